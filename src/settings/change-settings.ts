import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import type { Principal } from '../auth/principal.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { getSettings, type Settings, updateSettings } from './settings.ts';

/** The settings keys as stored (and named in `settings.changed`). */
const KEYS: Record<keyof Settings, string> = { requireMfaForAll: 'require_mfa_for_all' };

/**
 * The owner changes hub settings (auth/policy.ts `settings.write`). Records `settings.changed` with
 * the keys whose value changed and who changed them; a patch that changes nothing records nothing.
 */
export async function changeSettings(
  deps: AppDeps,
  input: { principal: Principal; patch: Partial<Settings> },
): Promise<Settings> {
  const now = deps.clock.now();
  return withEvents(deps, async (trx) => {
    const before = await getSettings(trx);
    const after = await updateSettings(trx, input.patch, now);
    const keys = (Object.keys(KEYS) as (keyof Settings)[])
      .filter((k) => before[k] !== after[k])
      .map((k) => KEYS[k]);
    if (keys.length > 0) {
      await recordEvent(
        trx,
        { type: 'settings.changed', phoneNumberId: null, payload: { keys, actor: actorOf(input.principal) } },
        now,
      );
    }
    return after;
  });
}
