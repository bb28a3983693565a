import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/index.ts';
import type { AppDeps } from '../app-deps.ts';
import { createApiToken } from '../auth/api-tokens.ts';
import { type RunningHub, startHub } from '../hub.ts';
import { systemClock } from '../platform/clock.ts';
import type { Dialect } from '../platform/db/database.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { buildTestDeps } from './test-app.ts';

/** For tests that wire the sandbox themselves (several hubs, fault proxies): the same sandbox, from here. */
export { type Sandbox, type SandboxOptions, startSandbox };

export const PNID = '106540352242922';
export const WABA = '102290129340398';

/** A valid send of the sandbox's `seasonal_promo` MARKETING template (header, URL button, three body parameters). */
export const SEASONAL_PROMO = {
  type: 'template',
  template: {
    name: 'seasonal_promo',
    language: 'en_US',
    components: [
      { type: 'header', parameters: [{ type: 'text', text: 'Summer sale' }] },
      { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'summer' }] },
    ],
    parameters: ['August', 'SUN25', '25%'],
  },
} as const;

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers.
type Loose = any;

export type OutboundEnv = {
  readonly db: TestDatabase;
  readonly sandbox: Awaited<ReturnType<typeof startSandbox>>;
  readonly hub: RunningHub;
  readonly deps: AppDeps;
  readonly token: string;
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Loose }>;
  /** A customer writes to the number (opens the window in the sandbox and, through the webhook, in the hub). */
  customerWrites(waId: string, text?: string): Promise<void>;
  waitFor<T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
};

/**
 * The one place under `src/` that starts the sandbox (the dependency rule allows no other).
 *
 * Test environment for the outbound part: a fresh database, the sandbox over HTTP (real clock,
 * so its rate limits refill), a running hub (`startHub`, all workers) whose Graph URL is the
 * sandbox, the sandbox's callback pointed at the hub's `/webhooks/meta`, and an admin token.
 * The coexistence number is registered through `POST /api/numbers`.
 */
export async function startOutboundEnv(
  dialect: Dialect,
  options: {
    sandbox?: SandboxOptions;
    graphUrl?: (sandboxUrl: string) => Promise<string> | string;
    accessToken?: string;
    /** More hub configuration (environment variables). */
    env?: Record<string, string>;
  } = {},
): Promise<OutboundEnv> {
  const db = await createTestDatabase(dialect);
  const sandbox = await startSandbox({
    port: 0,
    clock: 'real',
    statusDelays: { sentMs: 20, deliveredMs: 60, readMs: 120 },
    // The hub's behaviour under test, not the sandbox's realism: statuses in order, any recipient
    // on WhatsApp, links taken as given (a test that wants the realistic sandbox says so).
    statuses: 'strict',
    unknownRecipients: 'create',
    mediaLinks: 'accept',
    ...options.sandbox,
  });
  const graphUrl = options.graphUrl ? await options.graphUrl(sandbox.url) : sandbox.url;
  const { deps } = buildTestDeps(db, {
    clock: systemClock,
    env: {
      META_GRAPH_URL: graphUrl,
      META_ACCESS_TOKEN: options.accessToken ?? 'sandbox-access-token',
      COEXIST_DATA_DIR: mkdtempSync(join(tmpdir(), 'coexist-outbound-')),
      ...options.env,
    },
  });
  const hub = await startHub(deps, { port: 0, host: '127.0.0.1' });
  await sandbox.setCallback(`${hub.url}/webhooks/meta`);
  const { token } = await createApiToken(db.db, { name: 'test', role: 'admin', now: Date.now() });

  const api: OutboundEnv['api'] = async (method, path, body, headers = {}) => {
    const res = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const waitFor: OutboundEnv['waitFor'] = async (fn, what, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v as never;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const registered = await api('POST', '/api/numbers', { phone_number_id: PNID, waba_id: WABA });
  if (registered.status !== 201)
    throw new Error(`number registration failed: ${JSON.stringify(registered.body)}`);
  const synced = await api('POST', '/api/templates/sync', {});
  if (synced.status !== 200) throw new Error(`template sync failed: ${JSON.stringify(synced.body)}`);

  return {
    db,
    sandbox,
    hub,
    deps,
    token,
    api,
    waitFor,
    async customerWrites(waId, text = 'hello') {
      const known = (await sandbox.control.customers()).data.some((c) => c.waId === waId);
      if (!known) {
        await fetch(`${sandbox.url}/_sandbox/customers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ waId, name: `Customer ${waId.slice(-4)}` }),
        });
      }
      await fetch(`${sandbox.url}/_sandbox/customers/${waId}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'text', text: { body: text } }),
      });
      await waitFor(
        () =>
          db.db
            .selectFrom('conversations')
            .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
            .select('conversations.window_expires_at')
            .where('contacts.wa_id', '=', waId)
            .where('conversations.window_expires_at', '>', Date.now())
            .executeTakeFirst(),
        `the window of ${waId} to open in the hub`,
      );
    },
    async close() {
      await hub.close();
      await sandbox.close();
      await db.destroy();
    },
  };
}
