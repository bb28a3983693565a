import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';
import type { HubMetrics } from './hub-metrics.ts';

/** Meta error codes kept as their own label value per number; the rest are `other`. */
export const MAX_META_CODES_PER_NUMBER = 20;

const SENT_ORIGINS = ['api', 'agent', 'bot', 'campaign'] as const;

function metaCode(errorJson: string | null): string {
  if (!errorJson) return 'none';
  try {
    const parsed = JSON.parse(errorJson) as { code?: unknown } | { code?: unknown }[];
    const code = Array.isArray(parsed) ? parsed[0]?.code : parsed.code;
    return typeof code === 'number' || (typeof code === 'string' && /^\d{1,9}$/.test(code))
      ? String(code)
      : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Reads the gauges of {@link HubMetrics} from the database; called on every scrape. */
export async function collectDatabaseGauges(db: Kysely<DB>, metrics: HubMetrics, now: number): Promise<void> {
  const g = metrics.gauges;
  for (const gauge of Object.values(g)) gauge.reset();

  const webhooks = await db
    .selectFrom('webhook_events')
    .select([
      'state',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.min('received_at').as('oldest'),
    ])
    .where('state', 'in', ['pending', 'failed'])
    .groupBy('state')
    .execute();
  const pending = webhooks.find((w) => w.state === 'pending');
  g.webhooksUnprocessed.set(Number(pending?.n ?? 0));
  g.webhooksFailed.set(Number(webhooks.find((w) => w.state === 'failed')?.n ?? 0));
  g.processingLag.set(pending?.oldest ? Math.max(0, (now - Number(pending.oldest)) / 1000) : 0);

  const head = await db
    .selectFrom('domain_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  const last = Number(head?.id ?? 0);
  for (const cursor of await db.selectFrom('event_cursors').select(['subscriber', 'position']).execute())
    g.subscriberLag.set({ subscriber: cursor.subscriber }, Math.max(0, last - Number(cursor.position)));
  const failures = await db
    .selectFrom('subscriber_failures')
    .select(['subscriber', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', '!=', 'resolved')
    .groupBy(['subscriber', 'state'])
    .execute();
  for (const f of failures)
    g.subscriberFailures.set({ subscriber: f.subscriber, state: f.state }, Number(f.n));

  const jobs = await db
    .selectFrom('jobs')
    .select([
      'name',
      (eb) =>
        eb.fn.sum<number>(eb.case().when('failed_at', 'is not', null).then(1).else(0).end()).as('failed'),
      (eb) => eb.fn.sum<number>(eb.case().when('state', '=', 'pending').then(1).else(0).end()).as('pending'),
    ])
    .where((eb) => eb.or([eb('state', 'in', ['pending', 'running']), eb('failed_at', 'is not', null)]))
    .groupBy('name')
    .execute();
  for (const j of jobs) {
    g.jobFailures.set({ job: j.name }, Number(j.failed ?? 0));
    g.jobsPending.set({ job: j.name }, Number(j.pending ?? 0));
  }

  const numbers = await db.selectFrom('phone_numbers').select(['id', 'throughput_mps']).execute();
  const queued = await db
    .selectFrom('outbox_jobs')
    .select(['phone_number_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['queued', 'sending'])
    .groupBy('phone_number_id')
    .execute();
  const dispatched = await db
    .selectFrom('outbox_jobs')
    .select(['phone_number_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('dispatched_at', '>=', now - 60_000)
    .groupBy('phone_number_id')
    .execute();
  for (const n of numbers) {
    g.outboundQueueDepth.set(
      { phone_number_id: n.id },
      Number(queued.find((q) => q.phone_number_id === n.id)?.n ?? 0),
    );
    const sent = Number(dispatched.find((d) => d.phone_number_id === n.id)?.n ?? 0);
    g.throughputUtilisation.set(
      { phone_number_id: n.id },
      n.throughput_mps > 0 ? sent / (n.throughput_mps * 60) : 0,
    );
  }

  const statuses = await db
    .selectFrom('messages')
    .select(['phone_number_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('direction', '=', 'outbound')
    .where('origin', 'in', [...SENT_ORIGINS])
    .groupBy(['phone_number_id', 'status'])
    .execute();
  for (const s of statuses)
    g.outboundMessages.set({ phone_number_id: s.phone_number_id, status: s.status }, Number(s.n));

  // Grouped by the stored error text, then by its code here: the JSON shape is the same on both databases.
  const failed = await db
    .selectFrom('messages')
    .select(['phone_number_id', 'error_json', (eb) => eb.fn.countAll<number>().as('n')])
    .where('direction', '=', 'outbound')
    .where('status', '=', 'failed')
    .groupBy(['phone_number_id', 'error_json'])
    .limit(5_000)
    .execute();
  const codes = new Map<string, Map<string, number>>();
  for (const f of failed) {
    const perNumber = codes.get(f.phone_number_id) ?? new Map<string, number>();
    const code = metaCode(f.error_json);
    perNumber.set(code, (perNumber.get(code) ?? 0) + Number(f.n));
    codes.set(f.phone_number_id, perNumber);
  }
  for (const [phone, perNumber] of codes) {
    const ranked = [...perNumber.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    let other = 0;
    for (const [i, [code, n]] of ranked.entries()) {
      if (i < MAX_META_CODES_PER_NUMBER)
        g.outboundFailures.set({ phone_number_id: phone, meta_code: code }, n);
      else other += n;
    }
    if (other > 0) g.outboundFailures.set({ phone_number_id: phone, meta_code: 'other' }, other);
  }

  const deliveries = await db
    .selectFrom('webhook_deliveries')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', 'in', ['pending', 'failed'])
    .groupBy('state')
    .execute();
  for (const state of ['pending', 'failed'] as const)
    g.webhookDeliveries.set({ state }, Number(deliveries.find((d) => d.state === state)?.n ?? 0));
  const disabled = await db
    .selectFrom('webhook_endpoints')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('enabled', '=', 0)
    .executeTakeFirst();
  g.webhookEndpointsDisabled.set(Number(disabled?.n ?? 0));
}
