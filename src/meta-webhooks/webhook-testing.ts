import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, buildApp } from '../app.ts';
import type { AppDeps } from '../app-deps.ts';
import { ManualClock } from '../platform/clock.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import type { TestDatabase } from '../platform/testing/databases.ts';
import { signBody } from './webhook.endpoint.ts';
import { type EventOutcome, processWebhookEvent } from './webhook.processor.ts';
import { claimPendingEvents } from './webhook-event.repository.ts';

export const FIXTURES_DIR = new URL('../../fixtures/meta/', import.meta.url).pathname;
export const APP_SECRET = 'sandbox-app-secret';
export const VERIFY_TOKEN = 'sandbox-verify-token';

/** The exact bytes of a fixture file. */
export function fixture(name: string): Buffer {
  return readFileSync(join(FIXTURES_DIR, name));
}

/** Every webhook fixture (files that are webhook bodies), by name. */
export function webhookFixtureNames(): string[] {
  const notWebhooks = new Set([
    'error_130429.json',
    'error_131047_status_error_object.json',
    'phone_number_coexistence_status.json',
    'send_message_response.json',
    'send_template_named_params_request.json',
    'smb_app_data_response.json',
  ]);
  return readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith('.json') && !notWebhooks.has(f))
    .sort();
}

export type WebhookHarness = {
  readonly app: App;
  readonly deps: AppDeps;
  readonly clock: ManualClock;
  /** POSTs a body signed over its exact bytes (or with the given signature header). */
  post(body: Buffer | string, signature?: string | null): Promise<{ statusCode: number; body: string }>;
  /** Processes every pending event, in id order, like the worker does. */
  drain(): Promise<EventOutcome[]>;
  close(): Promise<void>;
};

export async function createWebhookHarness(database: TestDatabase): Promise<WebhookHarness> {
  const clock = new ManualClock();
  const config = loadConfig({
    META_APP_SECRET: APP_SECRET,
    META_VERIFY_TOKEN: VERIFY_TOKEN,
    DATABASE_URL: database.url.startsWith('postgres') ? database.url : database.url,
    LOG_LEVEL: 'silent',
    COEXIST_NODE_ID: 'test-node',
  });
  const deps: AppDeps = { config, database, clock, logger: createLogger({ level: 'silent' }) } as AppDeps;
  const app = await buildApp(deps);
  return {
    app,
    deps,
    clock,
    async post(body, signature) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const sig = signature === undefined ? signBody(APP_SECRET, body) : signature;
      if (sig !== null) headers['x-hub-signature-256'] = sig;
      const res = await app.inject({ method: 'POST', url: '/webhooks/meta', headers, payload: body });
      return { statusCode: res.statusCode, body: res.body };
    },
    async drain() {
      const out: EventOutcome[] = [];
      for (;;) {
        const events = await claimPendingEvents(database, {
          nodeId: 'test-node',
          now: clock.now(),
          leaseMs: 60_000,
          limit: 100,
        });
        if (events.length === 0) return out;
        for (const e of events) out.push(await processWebhookEvent(deps, e));
      }
    },
    async close() {
      await app.close();
    },
  };
}

/** Wraps a bare `value` (like history_declined.json) in a webhook envelope. */
export function envelope(field: string, value: unknown, wabaId = '102290129340398'): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: wabaId, changes: [{ field, value }] }],
  });
}
