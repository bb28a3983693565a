import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { signBody } from '../meta-webhooks/webhook.endpoint.ts';
import { type EventOutcome, processWebhookEvent } from '../meta-webhooks/webhook.processor.ts';
import { claimPendingEvents } from '../meta-webhooks/webhook-event.repository.ts';
import type { TestDatabase } from './databases.ts';
import { APP_SECRET, buildTestApp, type TestApp } from './test-app.ts';

export const FIXTURES_DIR = new URL('../../fixtures/meta/', import.meta.url).pathname;

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

/** The app with a signed `POST /webhooks/meta` and the worker's processing loop run by hand. */
export type WebhookHarness = Pick<TestApp, 'app' | 'deps' | 'clock'> & {
  /** POSTs a body signed over its exact bytes (or with the given signature header). */
  post(body: Buffer | string, signature?: string | null): Promise<{ statusCode: number; body: string }>;
  /** Processes every pending event, in id order, like the worker does. */
  drain(): Promise<EventOutcome[]>;
  close(): Promise<void>;
};

/** A webhook harness on `database`, which the caller keeps (close() leaves it open). */
export async function createWebhookHarness(database: TestDatabase): Promise<WebhookHarness> {
  const { app, deps, clock, close } = await buildTestApp(database.dialect, { database });
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
    close,
  };
}

/** Wraps a bare `value` (like history_declined.json) in a webhook envelope. */
export function envelope(field: string, value: unknown, wabaId = '102290129340398'): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: wabaId, changes: [{ field, value }] }],
  });
}
