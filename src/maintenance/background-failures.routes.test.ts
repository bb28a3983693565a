import type { Kysely, Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EventTables } from '../platform/events/event.table.ts';
import { recordEvents } from '../platform/events/record-event.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { startSubscriberWorker } from '../platform/events/subscriber-worker.ts';
import { enqueueJob } from '../platform/jobs/job.repository.ts';
import type { JobTables } from '../platform/jobs/job.table.ts';
import { defineJob } from '../platform/jobs/job.ts';
import { startJobRunner } from '../platform/jobs/job-runner.ts';
import { testDialects } from '../testing/databases.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, seedNumber, WABA } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';

describe.each(testDialects)('background failures API on %s', (dialect) => {
  let h: TestApp;
  let admin: string;
  const call = (token: string, method: 'GET' | 'POST', url: string) =>
    h.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    h = await buildTestApp(dialect);
    await seedNumber(h.db, { id: NUMBER, waba_id: WABA });
    await seedNumber(h.db, { id: OTHER_NUMBER, waba_id: OTHER_WABA, display_phone_number: '15550000002' });
    admin = await h.token();
  });
  afterAll(async () => {
    await h.close();
  });

  it('shows an event a subscriber gave up on, to those who see its number, and retries it on request', async () => {
    const events = h.db as unknown as Kysely<EventTables>;
    let broken = true;
    const sub = defineSubscriber({
      name: 'probe.archive',
      types: ['alert.raised'],
      retry: { attempts: 1 },
      async handle(_trx: Transaction<EventTables>, event) {
        if (broken && event.payload.code === 'BAD') throw new Error('archive store refused');
      },
    });
    await recordEvents(
      events,
      [
        { type: 'alert.raised', phoneNumberId: NUMBER, payload: { alert_id: 'a1', code: 'BAD' } },
        { type: 'alert.raised', phoneNumberId: NUMBER, payload: { alert_id: 'a2', code: 'OK' } },
      ],
      h.clock.now(),
    );
    const worker = startSubscriberWorker({
      db: events,
      clock: h.clock,
      subscribers: [sub],
      autoStart: false,
    });
    await worker.runOnce();

    const listed = await call(admin, 'GET', '/api/failures/subscribers');
    expect(listed.statusCode).toBe(200);
    expect(listed.json().data).toEqual([
      expect.objectContaining({
        subscriber: 'probe.archive',
        event_type: 'alert.raised',
        phone_number_id: NUMBER,
        state: 'failed',
        attempts: 1,
        error: 'archive store refused',
      }),
    ]);
    const other = await h.token({ wabaId: OTHER_WABA });
    expect((await call(other, 'GET', '/api/failures/subscribers')).json().data).toEqual([]);

    const eventId = listed.json().data[0].event_id;
    const agent = await h.token({ role: 'agent' });
    expect(
      (await call(agent, 'POST', `/api/failures/subscribers/probe.archive/${eventId}/retry`)).statusCode,
    ).toBe(403);
    broken = false;
    const retried = await call(admin, 'POST', `/api/failures/subscribers/probe.archive/${eventId}/retry`);
    expect(retried.json()).toEqual({ retrying: true });
    await worker.runOnce();
    await worker.stop();
    expect((await call(admin, 'GET', '/api/failures/subscribers')).json().data).toEqual([]);
    expect((await call(admin, 'GET', '/api/failures/subscribers?state=resolved')).json().data).toHaveLength(
      1,
    );
    expect(
      (await call(admin, 'POST', '/api/failures/subscribers/probe.archive/999999/retry')).statusCode,
    ).toBe(404);
  });

  it('retries a failure however many newer ones there are, only for a caller who sees its number', async () => {
    const events = h.db as unknown as Kysely<EventTables>;
    const row = (eventId: number, phoneNumberId: string | null, at: number) => ({
      subscriber: 'probe.many',
      event_id: eventId,
      event_type: 'alert.raised',
      phone_number_id: phoneNumberId,
      state: 'failed' as const,
      attempts: 8,
      error: 'refused',
      next_attempt_at: null,
      created_at: at,
      updated_at: at,
      resolved_at: null,
    });
    const t = h.clock.now();
    await events
      .insertInto('subscriber_failures')
      .values([row(1, NUMBER, t), row(2, null, t)])
      .execute();
    for (let i = 0; i < 1_000; i += 250) {
      const newer = Array.from({ length: 250 }, (_, j) => row(1_000 + i + j, NUMBER, t + 1 + i + j));
      await events.insertInto('subscriber_failures').values(newer).execute();
    }
    const url = (eventId: number) => `/api/failures/subscribers/probe.many/${eventId}/retry`;
    const otherAccount = await h.token({ wabaId: OTHER_WABA });
    const oneAccount = await h.token({ wabaId: WABA });
    expect((await call(otherAccount, 'POST', url(1))).statusCode).toBe(404);
    expect((await call(oneAccount, 'POST', url(2))).statusCode).toBe(404);
    expect((await call(oneAccount, 'POST', url(1))).json()).toEqual({ retrying: true });
    expect((await call(admin, 'POST', url(2))).json()).toEqual({ retrying: true });
    const states = await events
      .selectFrom('subscriber_failures')
      .select(['event_id', 'state'])
      .where('subscriber', '=', 'probe.many')
      .where('event_id', 'in', [1, 2])
      .orderBy('event_id')
      .execute();
    expect(states.map((r) => [Number(r.event_id), r.state])).toEqual([
      [1, 'retrying'],
      [2, 'retrying'],
    ]);
    await events.deleteFrom('subscriber_failures').where('subscriber', '=', 'probe.many').execute();
  });

  it('shows a job that spent its attempts and retries it', async () => {
    const jobs = h.db as unknown as Kysely<JobTables>;
    let broken = true;
    const job = defineJob({
      id: 'test.export',
      schema: z.object({}),
      retry: { attempts: 1 },
      async handler() {
        if (broken) throw new Error('export target unreachable');
      },
    });
    const id = await enqueueJob(jobs, job, {}, { now: h.clock.now() });
    const runner = startJobRunner({
      db: jobs,
      dialect,
      jobs: [job],
      deps: {},
      clock: h.clock,
      autoStart: false,
    });
    await runner.runOnce();
    const listed = await call(admin, 'GET', '/api/failures/jobs');
    expect(listed.json().data).toEqual([
      expect.objectContaining({
        id,
        job: 'test.export',
        state: 'failed',
        recurring: false,
        error: 'export target unreachable',
      }),
    ]);
    // Jobs are hub-wide: a caller limited to one business account does not see them.
    expect((await call(await h.token({ wabaId: WABA }), 'GET', '/api/failures/jobs')).json().data).toEqual(
      [],
    );
    broken = false;
    expect((await call(admin, 'POST', `/api/failures/jobs/${id}/retry`)).json()).toEqual({ retrying: true });
    await runner.runOnce();
    await runner.stop();
    expect((await call(admin, 'GET', '/api/failures/jobs')).json().data).toEqual([]);
  });
});
