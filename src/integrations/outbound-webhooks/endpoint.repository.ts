import type { Kysely } from 'kysely';
import type { DB } from '../../database.ts';
import { raiseAlert } from '../../outbound/alerts.ts';
import { newId } from '../../platform/ids.ts';
import type { WebhookEndpointRow } from './outbound-webhook.table.ts';
import type { SecretStore } from './secret-store.ts';
import { generateSecret, generateSigningKey } from './signature.ts';

/** The alert code raised when the hub disables an endpoint. */
export const ENDPOINT_DISABLED_ALERT = 'WEBHOOK_ENDPOINT_DISABLED';

/**
 * Creates an endpoint with a fresh secret, stored sealed by `store`; returns the stored row and the
 * secret in clear, to show once.
 */
export async function createEndpoint(
  db: Kysely<DB>,
  input: {
    url: string;
    description: string;
    eventTypes: readonly string[];
    wabaId: string | null;
    /** Also sign with Ed25519 (`v1a`). */
    ed25519?: boolean;
    now: number;
    store: SecretStore;
  },
): Promise<{ row: WebhookEndpointRow; secret: string }> {
  const id = newId();
  const secret = generateSecret();
  const pair = input.ed25519 ? generateSigningKey() : null;
  const row: WebhookEndpointRow = {
    id,
    url: input.url,
    description: input.description,
    event_types_json: JSON.stringify([...new Set(input.eventTypes)]),
    waba_id: input.wabaId,
    secret: await input.store.seal(db, { endpointId: id, secret }),
    previous_secret: null,
    previous_secret_expires_at: null,
    signing_key: pair ? await input.store.seal(db, { endpointId: id, secret: pair.signingKey }) : null,
    previous_signing_key: null,
    public_key: pair?.publicKey ?? null,
    enabled: 1,
    disabled_reason: null,
    disabled_at: null,
    failing_since: null,
    created_at: input.now,
    updated_at: input.now,
  };
  await db.insertInto('webhook_endpoints').values(row).execute();
  return { row, secret };
}

/** Changes an endpoint's URL, description, event types or enabled state; re-enabling clears the failure run. */
export async function updateEndpoint(
  db: Kysely<DB>,
  input: {
    id: string;
    url?: string;
    description?: string;
    eventTypes?: readonly string[];
    enabled?: boolean;
    /** true: a new Ed25519 key pair signs `v1a` too (replacing any); false: `v1` only. */
    ed25519?: boolean;
    now: number;
    store?: SecretStore;
  },
): Promise<void> {
  let keys = {};
  if (input.ed25519 === false) keys = { signing_key: null, previous_signing_key: null, public_key: null };
  if (input.ed25519 === true && input.store) {
    const pair = generateSigningKey();
    keys = {
      signing_key: await input.store.seal(db, { endpointId: input.id, secret: pair.signingKey }),
      previous_signing_key: null,
      public_key: pair.publicKey,
    };
  }
  await db
    .updateTable('webhook_endpoints')
    .set({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.eventTypes !== undefined
        ? { event_types_json: JSON.stringify([...new Set(input.eventTypes)]) }
        : {}),
      ...(input.enabled === true
        ? { enabled: 1, disabled_reason: null, disabled_at: null, failing_since: null }
        : input.enabled === false
          ? { enabled: 0, disabled_reason: 'by an operator', disabled_at: input.now }
          : {}),
      ...keys,
      updated_at: input.now,
    })
    .where('id', '=', input.id)
    .execute();
}

/** Deletes an endpoint (its deliveries go with it) and destroys the data key its secrets were sealed with. */
export async function deleteEndpoint(
  db: Kysely<DB>,
  input: { id: string; now: number; store: SecretStore },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('webhook_endpoints').where('id', '=', input.id).execute();
    await input.store.forget(trx, { endpointId: input.id, now: input.now });
  });
}

/**
 * Gives the endpoint a new secret; the old one keeps signing beside it for `overlapMs`, so the
 * receiver can switch without losing a delivery. Returns the new secret.
 */
export async function rotateSecret(
  db: Kysely<DB>,
  input: { id: string; overlapMs: number; now: number; store: SecretStore },
): Promise<{ secret: string; publicKey: string | null }> {
  const secret = generateSecret();
  const endpointId = input.id;
  let publicKey: string | null = null;
  await db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('webhook_endpoints')
      .select(['secret', 'signing_key'])
      .where('id', '=', endpointId)
      .executeTakeFirstOrThrow();
    // With v1a on, the Ed25519 key rotates too, the previous one signing beside it for the overlap.
    let keys = {};
    if (current.signing_key !== null) {
      const pair = generateSigningKey();
      publicKey = pair.publicKey;
      keys = {
        signing_key: await input.store.seal(trx, { endpointId, secret: pair.signingKey }),
        previous_signing_key:
          input.overlapMs > 0
            ? await input.store.seal(trx, {
                endpointId,
                secret: await input.store.open(trx, { endpointId, stored: current.signing_key }),
              })
            : null,
        public_key: pair.publicKey,
      };
    }
    // Sealed afresh: a secret stored before master keys were configured is encrypted from now on.
    const previous =
      input.overlapMs > 0
        ? await input.store.seal(trx, {
            endpointId,
            secret: await input.store.open(trx, { endpointId, stored: current.secret }),
          })
        : null;
    await trx
      .updateTable('webhook_endpoints')
      .set({
        secret: await input.store.seal(trx, { endpointId, secret }),
        previous_secret: previous,
        previous_secret_expires_at: input.overlapMs > 0 ? input.now + input.overlapMs : null,
        ...keys,
        updated_at: input.now,
      })
      .where('id', '=', input.id)
      .execute();
  });
  return { secret, publicKey };
}

/** Disables an endpoint the hub gave up on and raises an alert saying why (inside `trx`). */
export async function disableEndpoint(
  trx: Kysely<DB>,
  input: { endpoint: WebhookEndpointRow; reason: string; now: number },
): Promise<void> {
  await trx
    .updateTable('webhook_endpoints')
    .set({ enabled: 0, disabled_reason: input.reason, disabled_at: input.now, updated_at: input.now })
    .where('id', '=', input.endpoint.id)
    .execute();
  await raiseAlert(trx, {
    phoneNumberId: null,
    wabaId: input.endpoint.waba_id,
    code: ENDPOINT_DISABLED_ALERT,
    title: 'An outbound webhook endpoint was disabled',
    message: `Deliveries to ${new URL(input.endpoint.url).host} stopped: ${input.reason}. Fix the receiver, enable the endpoint again and use "recover" to send what it missed.`,
    details: { endpoint_id: input.endpoint.id, reason: input.reason },
    now: input.now,
  });
}
