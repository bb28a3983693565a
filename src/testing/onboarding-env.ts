import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppDeps } from '../app-deps.ts';
import { createApiToken } from '../auth/api-tokens.ts';
import { createGraphClient } from '../graph/graph-client.ts';
import { type RunningHub, startHub } from '../hub.ts';
import { wabaTokenResolver } from '../onboarding/waba-credentials.ts';
import { systemClock } from '../platform/clock.ts';
import type { Dialect } from '../platform/db/database.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import { type Sandbox, startSandbox } from './sandbox-env.ts';
import { buildTestDeps } from './test-app.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed API answers.
type Loose = any;

/** The sandbox's Meta app (sandbox/signup/signup-state.ts `SIGNUP_DEFAULTS`). */
export const SANDBOX_APP_ID = '1066870047736218';
const CONFIG_ID = '918273645546372';
/** How long the hub waits for a Graph answer here: a `slow` fault of the sandbox outlasts it. */
export const GRAPH_TIMEOUT_MS = 400;

export type OnboardingEnv = {
  readonly db: TestDatabase;
  readonly sandbox: Sandbox;
  readonly hub: RunningHub;
  readonly deps: AppDeps;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Loose }>;
  /** Calls the sandbox (control API, signup popup's own calls). */
  sb(method: string, path: string, body?: unknown): Promise<{ status: number; body: Loose }>;
  /**
   * Meta's side of Embedded Signup for a new business-app phone, as the popup and the phone do it:
   * login, number, scan (sharing history or not), finish. Returns the session the hub started and
   * what the popup would post (code, WABA, number).
   */
  signup(input: { phone: string; shareHistory?: boolean }): Promise<{
    sessionId: string;
    code: string;
    wabaId: string;
    phoneNumberId: string;
  }>;
  close(): Promise<void>;
};

/**
 * A hub (real HTTP, all workers) and a sandbox on a manual clock, for onboarding tests. The hub's
 * configuration token is one the sandbox refuses, so everything done for a signed-up number works
 * only with that WABA's own business token.
 */
export async function startOnboardingEnv(dialect: Dialect): Promise<OnboardingEnv> {
  const db = await createTestDatabase(dialect);
  const sandbox = await startSandbox({
    port: 0,
    clock: 'manual',
    statuses: 'strict',
    history: { contacts: 3, messagesPerContact: 6, chunkSize: 6 },
  });
  const env = {
    META_GRAPH_URL: sandbox.url,
    META_ACCESS_TOKEN: 'a-token-the-sandbox-refuses',
    META_APP_ID: SANDBOX_APP_ID,
    META_SIGNUP_CONFIG_ID: CONFIG_ID,
    META_SIGNUP_SDK_URL: `${sandbox.url}/sdk.js`,
    META_SIGNUP_ORIGINS: sandbox.url,
    COEXIST_DATA_DIR: mkdtempSync(join(tmpdir(), 'coexist-onboarding-')),
  };
  const base = buildTestDeps(db, { clock: systemClock, env });
  const graph = createGraphClient({
    baseUrl: sandbox.url,
    version: base.deps.config.metaGraphVersion,
    accessToken: env.META_ACCESS_TOKEN,
    timeoutMs: GRAPH_TIMEOUT_MS,
    tokenFor: wabaTokenResolver({ database: db, config: base.deps.config }),
  });
  const deps: AppDeps = { ...base.deps, graph };
  const hub = await startHub(deps, { port: 0, host: '127.0.0.1' });
  await sandbox.setCallback(`${hub.url}/webhooks/meta`);
  const { token } = await createApiToken(db.db, { name: 'test', role: 'admin', now: Date.now() });
  const json = async (res: Response) => {
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const call = (url: string, method: string, body: unknown, headers: Record<string, string>) =>
    fetch(url, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(json);
  const api: OnboardingEnv['api'] = (method, path, body) =>
    call(`${hub.url}${path}`, method, body, { authorization: `Bearer ${token}` });
  const sb: OnboardingEnv['sb'] = (method, path, body) => call(`${sandbox.url}${path}`, method, body, {});

  return {
    db,
    sandbox,
    hub,
    deps,
    api,
    sb,
    async signup(input) {
      await sb('POST', '/_sandbox/signup/phones', {
        displayPhoneNumber: input.phone,
        verifiedName: `Shop ${input.phone.slice(-4)}`,
        daysInUse: 90,
      });
      const started = await api('POST', '/api/numbers/onboarding', {
        phone_number: `+${input.phone}`,
        app_version: '2.25.21.78',
        days_in_use: 90,
        facebook_page_linked: true,
      });
      if (started.status !== 201) throw new Error(`onboarding refused: ${JSON.stringify(started.body)}`);
      const launch = started.body.launch;
      const popup = await sb('POST', '/dialog/oauth/session', {
        client_id: launch.app_id,
        config_id: launch.config_id,
        response_type: launch.login_options.response_type,
        extras: JSON.stringify(launch.login_options.extras),
        origin: hub.url,
      });
      if (popup.status !== 200) throw new Error(`the popup refused: ${JSON.stringify(popup.body)}`);
      const id = popup.body.id as string;
      await sb('POST', `/dialog/oauth/session/${id}/login`, {});
      const chosen = await sb('POST', `/dialog/oauth/session/${id}/number`, { phone: input.phone });
      if (chosen.body.step !== 'awaiting_scan')
        throw new Error(`number refused: ${JSON.stringify(chosen.body.error)}`);
      await sb('POST', `/_sandbox/signup/sessions/${id}/scan`, {
        shareHistory: input.shareHistory !== false,
      });
      const finished = await sb('POST', `/dialog/oauth/session/${id}/finish`, {});
      const r = finished.body.result;
      return { sessionId: started.body.id, code: r.code, wabaId: r.wabaId, phoneNumberId: r.phoneNumberId };
    },
    async close() {
      await hub.close();
      await sandbox.close();
      await db.destroy();
    },
  };
}
