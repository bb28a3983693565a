import type { AppDeps } from '../app-deps.ts';
import type { Principal } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import type { NotificationSettings } from './inbox.schemas.ts';

/** Until a user says otherwise: notifications and sound on (the browser still asks its permission). */
const DEFAULTS: NotificationSettings = { notifications: true, sound: true };

/** My browser notification settings. */
export async function notificationSettingsOf(
  deps: AppDeps,
  input: { principal: Principal },
): Promise<NotificationSettings> {
  const userId = input.principal.userId;
  if (userId === null) return DEFAULTS;
  const row = await deps.database.db
    .selectFrom('inbox_preferences')
    .select(['notifications', 'sound'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { notifications: Number(row.notifications) === 1, sound: Number(row.sound) === 1 } : DEFAULTS;
}

/** Turns my notifications or their sound on or off. */
export async function changeNotificationSettings(
  deps: AppDeps,
  input: { principal: Principal; change: Partial<NotificationSettings> },
): Promise<NotificationSettings> {
  const userId = input.principal.userId;
  if (userId === null) throw new AppError('FORBIDDEN', 'Notification settings belong to a signed-in user.');
  const next = { ...(await notificationSettingsOf(deps, input)), ...input.change };
  const values = {
    notifications: next.notifications ? 1 : 0,
    sound: next.sound ? 1 : 0,
    updated_at: deps.clock.now(),
  };
  await deps.database.db
    .insertInto('inbox_preferences')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute();
  return next;
}
