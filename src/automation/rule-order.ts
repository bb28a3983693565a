import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import type { ApiRule } from './automation.schemas.ts';
import { listRules } from './automation-admin.ts';

/**
 * Puts the rules the principal sees in the order given (`ids`, first runs first): their positions
 * become 0, 1, 2, … in one transaction. The list must name each visible rule exactly once, so an
 * order saved from a stale page (a rule added or removed meanwhile) is refused rather than guessed.
 */
export async function reorderRules(
  deps: AppDeps,
  input: { principal: Principal; ids: readonly string[] },
): Promise<ApiRule[]> {
  const db = deps.database.db;
  const visible = await listRules(db, input.principal);
  const known = new Set(visible.map((r) => r.id));
  const given = new Set(input.ids);
  const unknown = input.ids.filter((id) => !known.has(id));
  const missing = visible.filter((r) => !given.has(r.id)).map((r) => r.id);
  if (given.size !== input.ids.length || unknown.length > 0 || missing.length > 0) {
    throw new AppError('VALIDATION_FAILED', 'The order must list every rule exactly once.', {
      unknown,
      missing,
    });
  }
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    for (const [position, id] of input.ids.entries()) {
      await trx
        .updateTable('automation_rules')
        .set({ position, updated_at: now })
        .where('id', '=', id)
        .execute();
    }
    await recordEvent(
      trx,
      {
        type: 'automation.changed',
        phoneNumberId: null,
        payload: {
          entity: 'rule',
          id: input.ids[0] ?? '',
          action: 'reordered',
          actor: actorOf(input.principal),
        },
      },
      now,
    );
  });
  return listRules(db, input.principal);
}
