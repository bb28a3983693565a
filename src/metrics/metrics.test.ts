import { readFileSync } from 'node:fs';
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { afterEach, describe, expect, it } from 'vitest';
import { signBody } from '../meta-webhooks/webhook.endpoint.ts';
import { testDialects } from '../testing/databases.ts';
import {
  NUMBER,
  OTHER_NUMBER,
  OTHER_WABA,
  seedContact,
  seedConversation,
  seedMessage,
  seedNumber,
  WABA,
} from '../testing/seed.ts';
import { APP_SECRET, buildTestApp, type TestApp } from '../testing/test-app.ts';
import { MAX_META_CODES_PER_NUMBER } from './metrics.collector.ts';
import { startMetricsListener } from './metrics.routes.ts';

const TOKEN = 'metrics-token-0123456789';
/** The budget per connected number (issue 14): about 50 series. */
const SERIES_PER_NUMBER = 50;

describe.each(testDialects)('GET /metrics (%s)', (dialect) => {
  let h: TestApp;
  afterEach(async () => {
    await h?.close();
  });

  const scrape = async (authorization?: string) =>
    h.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
  const families = async () => {
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return new Map(parsePrometheusTextFormat(res.body).map((f) => [f.name, f]));
  };
  const value = (family: PrometheusFamily | undefined, labels: Record<string, string> = {}) =>
    Number(
      family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value ??
        Number.NaN,
    );

  it('does not exist without COEXIST_METRICS_TOKEN', async () => {
    h = await buildTestApp(dialect);
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('coexist_');
  });

  it('wants the bearer token', async () => {
    h = await buildTestApp(dialect, { env: { COEXIST_METRICS_TOKEN: TOKEN } });
    expect((await scrape()).statusCode).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}x`)).statusCode).toBe(401);
    expect((await scrape(`Basic ${TOKEN}`)).statusCode).toBe(401);
    expect((await scrape(`Bearer ${TOKEN}`)).statusCode).toBe(200);
  });

  it('listens on its own address with COEXIST_METRICS_LISTEN, and leaves the hub port', async () => {
    h = await buildTestApp(dialect, { env: { COEXIST_METRICS_LISTEN: '127.0.0.1:0' } });
    expect((await scrape(`Bearer ${TOKEN}`)).statusCode).toBe(404);
    const listener = await startMetricsListener(h.deps);
    try {
      const res = await fetch(`${listener?.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const names = parsePrometheusTextFormat(await res.text()).map((f) => f.name);
      expect(names).toContain('coexist_subscriber_lag_events');
      expect((await fetch(`${listener?.url}/api/me`)).status).toBe(404);
      expect((await fetch(`${listener?.url}/metrics`, { method: 'POST' })).status).toBe(404);
    } finally {
      await listener?.stop();
    }
  });

  it('wants the token on its own address too when both are set', async () => {
    h = await buildTestApp(dialect, {
      env: { COEXIST_METRICS_LISTEN: '127.0.0.1:0', COEXIST_METRICS_TOKEN: TOKEN },
    });
    expect((await scrape(`Bearer ${TOKEN}`)).statusCode).toBe(404);
    const listener = await startMetricsListener(h.deps);
    try {
      const missing = await fetch(`${listener?.url}/metrics`);
      expect(missing.status).toBe(401);
      expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      const res = await fetch(`${listener?.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
    } finally {
      await listener?.stop();
    }
  });

  it('counts Meta webhooks acknowledged and rejected and times the acknowledgement', async () => {
    h = await buildTestApp(dialect, { env: { COEXIST_METRICS_TOKEN: TOKEN } });
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    const post = (signature: string) =>
      h.app.inject({
        method: 'POST',
        url: '/webhooks/meta',
        payload: body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      });
    expect((await post(signBody(APP_SECRET, body))).statusCode).toBe(200);
    expect((await post(signBody(APP_SECRET, body))).statusCode).toBe(200);
    expect((await post(signBody('wrong-secret', body))).statusCode).toBe(401);
    const f = await families();
    expect(value(f.get('coexist_meta_webhooks_acknowledged_total'))).toBe(2);
    expect(value(f.get('coexist_meta_webhooks_rejected_total'), { reason: 'signature' })).toBe(1);
    const histogram = f.get('coexist_meta_webhook_ack_duration_seconds');
    expect(histogram?.type).toBe('HISTOGRAM');
    expect(Number(histogram?.metrics[0]?.count)).toBe(2);
    expect(value(f.get('coexist_meta_webhooks_unprocessed'))).toBe(2);
    expect(value(f.get('coexist_meta_webhook_processing_lag_seconds'))).toBeGreaterThanOrEqual(0);
    // Process metrics are there too.
    expect(f.has('process_cpu_user_seconds_total')).toBe(true);
    expect(f.has('nodejs_eventloop_lag_seconds')).toBe(true);

    // docs/integrations.md lists exactly the hub's own series, and the Grafana dashboard uses only real ones.
    const ours = [...f.keys()].filter((name) => name.startsWith('coexist_')).sort();
    const doc = readFileSync(new URL('../../docs/integrations.md', import.meta.url), 'utf8');
    expect([...doc.matchAll(/^\| `(coexist_[a-z_]+)` \|/gm)].map((m) => m[1]).sort()).toEqual(ours);
    const dashboard = readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    const used = new Set(
      [...dashboard.matchAll(/\b((?:coexist|process|nodejs)_[a-z0-9_]+)\{/g)].map((m) => m[1] ?? ''),
    );
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(f.has(name.replace(/_bucket$/, '')), name).toBe(true);
  });

  it('counts open realtime streams while they are open', async () => {
    h = await buildTestApp(dialect, { env: { COEXIST_METRICS_TOKEN: TOKEN } });
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const token = await h.token();
    const streams = [new AbortController(), new AbortController()];
    for (const stream of streams) {
      const res = await fetch(`${address}/api/events`, {
        headers: { authorization: `Bearer ${token}` },
        signal: stream.signal,
      });
      expect(res.status).toBe(200);
    }
    expect(value((await families()).get('coexist_realtime_clients'))).toBe(2);
    streams[0]?.abort();
    await expect.poll(async () => value((await families()).get('coexist_realtime_clients'))).toBe(1);
    streams[1]?.abort();
    await expect.poll(async () => value((await families()).get('coexist_realtime_clients'))).toBe(0);
  });

  it('keeps every number within its series budget, with no contact, conversation or user label', async () => {
    h = await buildTestApp(dialect, { env: { COEXIST_METRICS_TOKEN: TOKEN } });
    await seedNumber(h.db, { id: NUMBER, waba_id: WABA });
    await seedNumber(h.db, { id: OTHER_NUMBER, waba_id: OTHER_WABA });
    await seedContact(h.db, { id: 'k1', phone_number_id: NUMBER });
    await seedConversation(h.db, { id: 'c1', phone_number_id: NUMBER, contact_id: 'k1' });
    // Many distinct Meta error codes and every status: the worst case for label cardinality.
    const statuses = ['queued', 'sending', 'unknown', 'sent', 'delivered', 'read', 'played'] as const;
    for (const [i, status] of statuses.entries())
      await seedMessage(h.db, {
        id: `s${i}`,
        phone_number_id: NUMBER,
        conversation_id: 'c1',
        contact_id: 'k1',
        direction: 'outbound',
        origin: 'agent',
        status,
      });
    for (let code = 0; code < 40; code++) {
      for (let k = 0; k <= (code < 3 ? 2 : 0); k++)
        await seedMessage(h.db, {
          id: `f${code}-${k}`,
          phone_number_id: NUMBER,
          conversation_id: 'c1',
          contact_id: 'k1',
          direction: 'outbound',
          origin: 'api',
          status: 'failed',
          error_json: JSON.stringify({ code: 131000 + code, title: `error ${code}` }),
        });
    }
    const f = await families();
    let series = 0;
    for (const family of f.values()) {
      for (const m of family.metrics) {
        for (const forbidden of ['contact_id', 'conversation_id', 'user_id', 'wa_id'])
          expect(m.labels ?? {}).not.toHaveProperty(forbidden);
        if (m.labels?.phone_number_id === NUMBER) series += 1;
      }
    }
    expect(series).toBeGreaterThan(10);
    expect(series).toBeLessThanOrEqual(SERIES_PER_NUMBER);

    const failures =
      f
        .get('coexist_outbound_failed_messages')
        ?.metrics.filter((m) => m.labels?.phone_number_id === NUMBER) ?? [];
    expect(failures).toHaveLength(MAX_META_CODES_PER_NUMBER + 1);
    expect(
      value(f.get('coexist_outbound_failed_messages'), { phone_number_id: NUMBER, meta_code: '131000' }),
    ).toBe(3);
    // 40 codes, 3 of them thrice: 46 failures, of which the 20 commonest keep their code.
    expect(
      value(f.get('coexist_outbound_failed_messages'), { phone_number_id: NUMBER, meta_code: 'other' }),
    ).toBe(20);
    expect(value(f.get('coexist_outbound_messages'), { phone_number_id: NUMBER, status: 'delivered' })).toBe(
      1,
    );
    expect(value(f.get('coexist_outbound_queue_depth'), { phone_number_id: OTHER_NUMBER })).toBe(0);
    expect(value(f.get('coexist_outbound_throughput_utilisation_ratio'), { phone_number_id: NUMBER })).toBe(
      0,
    );
  });
});
