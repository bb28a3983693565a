import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../database.ts';
import type { GraphScope, GraphTokenSource } from '../graph/graph-client.ts';
import type { Config } from '../platform/config.ts';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { masterKeyringOf } from '../platform/crypto/keyring.ts';
import { forgetSecret, openSecret, SecretUnavailableError, sealSecret } from '../platform/crypto/secrets.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The secrets.ts subject a WABA's token is sealed under (its own data key, shredded on disconnect). */
const subjectOf = (wabaId: string) => `waba-token:${wabaId}`;

/** Stores (or replaces) a WABA's business token, sealed under the WABA's own data key. */
export async function storeWabaToken(
  db: Db,
  input: { keyring: MasterKeyring; wabaId: string; token: string; now: number },
): Promise<void> {
  const sealed = await sealSecret(db, input.keyring, subjectOf(input.wabaId), input.token);
  await db
    .insertInto('waba_credentials')
    .values({
      waba_id: input.wabaId,
      token_sealed: sealed,
      source: 'embedded_signup',
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) => oc.column('waba_id').doUpdateSet({ token_sealed: sealed, updated_at: input.now }))
    .execute();
}

/** The WABA's own token, or null when it has none (or its key was shredded). */
export async function readWabaToken(
  db: Db,
  input: { keyring: MasterKeyring; wabaId: string },
): Promise<string | null> {
  const row = await db
    .selectFrom('waba_credentials')
    .select('token_sealed')
    .where('waba_id', '=', input.wabaId)
    .executeTakeFirst();
  if (!row) return null;
  try {
    return await openSecret(db, input.keyring, subjectOf(input.wabaId), row.token_sealed);
  } catch (error) {
    if (error instanceof SecretUnavailableError) return null;
    throw error;
  }
}

/** Deletes a WABA's token and shreds its data key: no copy of it (a backup included) opens again. */
export async function forgetWabaToken(
  db: Db,
  input: { keyring: MasterKeyring; wabaId: string; now: number },
): Promise<boolean> {
  const deleted = await db
    .deleteFrom('waba_credentials')
    .where('waba_id', '=', input.wabaId)
    .executeTakeFirst();
  await forgetSecret(db, input.keyring, subjectOf(input.wabaId), input.now);
  return Number(deleted.numDeletedRows) > 0;
}

/** The Graph client's token source, with its cache always droppable. */
export type GraphTokenResolver = GraphTokenSource & { invalidate(): void };

const CACHE_MS = 30_000;

/**
 * The Graph client's per-WABA credentials: a call about a number uses the token of the number's
 * WABA (looked up in `phone_numbers`, or in the onboarding session that is connecting it), a call
 * about a WABA that WABA's token; without one, the configuration's token. Answers are remembered
 * for 30 s (the sender asks on every send); another node sees a new token within that time.
 */
export function wabaTokenResolver(input: {
  database: { db: Kysely<DB> };
  config: Pick<Config, 'masterKeys' | 'dataDir'>;
}): GraphTokenResolver {
  const cache = new Map<string, { token: string | undefined; until: number }>();
  let keyring: MasterKeyring | null = null;
  const db = input.database.db;

  async function wabaOf(phoneNumberId: string): Promise<string | null> {
    const number = await db
      .selectFrom('phone_numbers')
      .select('waba_id')
      .where('id', '=', phoneNumberId)
      .executeTakeFirst();
    if (number && number.waba_id !== 'unknown') return number.waba_id;
    const session = await db
      .selectFrom('onboarding_sessions')
      .select('waba_id')
      .where('phone_number_id', '=', phoneNumberId)
      .where('waba_id', 'is not', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return session?.waba_id ?? null;
  }

  const resolve = async (scope: GraphScope): Promise<string | undefined> => {
    const key = scope.wabaId ? `w:${scope.wabaId}` : scope.phoneNumberId ? `p:${scope.phoneNumberId}` : null;
    if (!key) return undefined;
    const hit = cache.get(key);
    const now = Date.now();
    if (hit && hit.until > now) return hit.token;
    const wabaId = scope.wabaId ?? (scope.phoneNumberId ? await wabaOf(scope.phoneNumberId) : null);
    let token: string | undefined;
    if (wabaId) {
      const has = await db
        .selectFrom('waba_credentials')
        .select('waba_id')
        .where('waba_id', '=', wabaId)
        .executeTakeFirst();
      if (has) {
        keyring ??= masterKeyringOf(input.config);
        token = (await readWabaToken(db, { keyring, wabaId })) ?? undefined;
      }
    }
    cache.set(key, { token, until: now + CACHE_MS });
    return token;
  };
  return Object.assign(resolve, { invalidate: () => cache.clear() });
}
