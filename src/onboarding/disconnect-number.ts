import type { AppDeps } from '../app-deps.ts';
import { actorOf } from '../auth/actor.ts';
import { assertWabaAccess, type Principal } from '../auth/principal.ts';
import { masterKeyringOf } from '../platform/crypto/keyring.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { withEvents } from '../platform/events/with-events.ts';
import { forgetWabaToken } from './waba-credentials.ts';

/** What disconnecting did, for the wizard to show. */
export type DisconnectResult = {
  readonly phone_number_id: string;
  readonly connection_state: 'disconnected';
  /** Whether Meta confirmed the app no longer receives the WABA's webhooks (false: shown, not retried). */
  readonly unsubscribed: boolean;
  readonly unsubscribe_error: string | null;
  /** Whether the WABA's own token was deleted and its key shredded. */
  readonly token_forgotten: boolean;
  /** What stays: conversations, messages, contacts, the archive. */
  readonly data_kept: true;
};

/**
 * Disconnects a number from the hub: the app stops receiving the WABA's webhooks
 * (`DELETE /{waba}/subscribed_apps`, when no other number of the WABA stays connected), the
 * WABA's own token is deleted and its data key shredded, and the number becomes `disconnected`
 * (reason `DISCONNECTED_IN_HUB`), so the send policy refuses every send. Conversations, messages,
 * contacts and the archive stay, as after Meta's own disconnection. The phone keeps its
 * coexistence link until the owner disconnects in the app (Settings > Account > Business Platform):
 * a Business app number cannot be deregistered through the API.
 */
export async function disconnectNumber(
  deps: AppDeps,
  input: { principal: Principal; phoneNumberId: string },
): Promise<DisconnectResult> {
  const db = deps.database.db;
  const number = await db
    .selectFrom('phone_numbers')
    .select(['id', 'waba_id', 'connection_state'])
    .where('id', '=', input.phoneNumberId)
    .executeTakeFirst();
  if (!number) throw new AppError('NOT_FOUND', 'No such phone number.');
  assertWabaAccess(input.principal, number.waba_id);
  const siblings = await db
    .selectFrom('phone_numbers')
    .select('id')
    .where('waba_id', '=', number.waba_id)
    .where('id', '!=', number.id)
    .where('connection_state', '=', 'connected')
    .execute();
  let unsubscribed = false;
  let unsubscribeError: string | null = null;
  let tokenForgotten = false;
  if (siblings.length === 0) {
    const result = await deps.graph.unsubscribeApp(number.waba_id);
    unsubscribed = result.ok;
    unsubscribeError = result.ok ? null : result.error.message;
  }
  const now = deps.clock.now();
  await withEvents(deps, async (trx) => {
    await trx
      .updateTable('phone_numbers')
      .set({
        connection_state: 'disconnected',
        disconnection_reason: 'DISCONNECTED_IN_HUB',
        disconnection_initiated_by: 'USER',
        connection_changed_at: now,
        updated_at: now,
      })
      .where('id', '=', number.id)
      .execute();
    if (siblings.length === 0) {
      tokenForgotten = await forgetWabaToken(trx, {
        keyring: masterKeyringOf(deps.config),
        wabaId: number.waba_id,
        now,
      });
    }
    await recordEvent(
      trx,
      {
        type: 'number.connection_changed',
        phoneNumberId: number.id,
        payload: {
          phone_number_id: number.id,
          from: number.connection_state,
          to: 'disconnected',
          reason: 'DISCONNECTED_IN_HUB',
        },
      },
      now,
    );
    await recordEvent(
      trx,
      {
        type: 'number.changed',
        phoneNumberId: number.id,
        payload: { phone_number_id: number.id, change: 'disconnected', actor: actorOf(input.principal) },
      },
      now,
    );
  });
  deps.graph.forgetCachedTokens();
  return {
    phone_number_id: number.id,
    connection_state: 'disconnected',
    unsubscribed,
    unsubscribe_error: unsubscribeError,
    token_forgotten: tokenForgotten,
    data_kept: true,
  };
}
