import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import { deliveryJob } from '../integrations/outbound-webhooks/delivery.job.ts';
import { outboundWebhooksSubscriber } from '../integrations/outbound-webhooks/fanout.subscriber.ts';
import type { Dialect } from '../platform/db/database.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import type { EventTables } from '../platform/events/event.table.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { type SubscriberWorker, startSubscriberWorker } from '../platform/events/subscriber-worker.ts';
import type { JobTables } from '../platform/jobs/job.table.ts';
import { type JobRunner, startJobRunner } from '../platform/jobs/job-runner.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

/** What the stand-in receiver saw. */
export type Received = { headers: IncomingHttpHeaders; body: string };

/** How the stand-in receiver answers the next request. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string };

/**
 * A stand-in CRM on loopback (its answers queued by the test), the app with loopback allowed for
 * egress, the fan-out subscriber and the delivery job runner driven by hand on the manual clock.
 */
export type WebhooksFixture = {
  readonly h: TestApp;
  readonly url: string;
  readonly received: Received[];
  /** Answers for the next requests, in order; 200 once they run out. */
  answer(...answers: Answer[]): void;
  record(event: DomainEvent): Promise<void>;
  /** Runs the subscriber, then every due job. */
  pump(): Promise<void>;
  token(): Promise<string>;
  close(): Promise<void>;
};

export async function startWebhooksFixture(
  dialect: Dialect,
  options: { allowLoopback?: boolean; env?: Record<string, string> } = {},
): Promise<WebhooksFixture> {
  const received: Received[] = [];
  const answers: Answer[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const answer = answers.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/crm/hook`;
  const h = await buildTestApp(dialect, {
    env: {
      ...(options.allowLoopback === false ? {} : { COEXIST_WEBHOOK_EGRESS_ALLOW: '127.0.0.1/32' }),
      ...options.env,
    },
  });
  // Real time, so the receiver's `standardwebhooks` check (5 minutes of tolerance) applies as in production.
  h.clock.set(Date.now());
  const db = h.db as Kysely<DB>;
  const subscribers: SubscriberWorker = startSubscriberWorker({
    db: db as unknown as Kysely<EventTables>,
    subscribers: [outboundWebhooksSubscriber],
    clock: h.clock,
    autoStart: false,
  });
  const jobs: JobRunner = startJobRunner({
    db: db as unknown as Kysely<JobTables>,
    dialect,
    jobs: [deliveryJob],
    deps: h.deps,
    clock: h.clock,
    autoStart: false,
  });
  // The subscriber starts at the newest event: pass once now so later events are all seen.
  await subscribers.runOnce();
  return {
    h,
    url,
    received,
    answer: (...next) => answers.push(...next),
    record: (event) => recordEvent(db, event, h.clock.now()),
    async pump() {
      await subscribers.runOnce();
      await jobs.runOnce();
    },
    token: () => h.token(),
    async close() {
      await jobs.stop();
      await subscribers.stop();
      await h.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A `message.received` event of no particular number. */
export function messageReceived(n: number): DomainEvent {
  return {
    type: 'message.received',
    phoneNumberId: null,
    payload: {
      message_id: `m${n}`,
      conversation_id: 'c1',
      contact_id: 'k1',
      wamid: `wamid.${n}`,
      content_type: 'text',
    },
  };
}
