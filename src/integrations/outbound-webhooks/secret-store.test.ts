import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { generateMasterKey } from '../../platform/crypto/envelope.ts';
import { testDialects } from '../../testing/databases.ts';
import {
  messageReceived,
  startWebhooksFixture,
  type WebhooksFixture,
} from '../../testing/outbound-webhooks.ts';
import { signedHeaders } from './signature.ts';

const BASE = '/api/integrations/webhooks';

describe.each(testDialects)('webhook secrets at rest (%s)', (dialect) => {
  let f: WebhooksFixture;
  afterEach(async () => {
    await f?.close();
  });

  async function api(method: 'POST' | 'DELETE', url: string, payload?: unknown) {
    return f.h.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await f.token()}` },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
  }

  async function createEndpoint() {
    const res = await api('POST', BASE, {
      url: f.url,
      description: 'CRM',
      event_types: ['message.received'],
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { id: string; secret: string };
  }

  const stored = (id: string) =>
    f.h.db
      .selectFrom('webhook_endpoints')
      .select(['secret', 'previous_secret'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  /** The secret's key bytes as they would appear in the column, in either common encoding. */
  const traces = (secret: string) => {
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    return [secret, secret.slice('whsec_'.length), key.toString('hex')];
  };

  it('with master keys, stores the secrets encrypted and still signs deliveries verifiably', async () => {
    f = await startWebhooksFixture(dialect, { env: { COEXIST_MASTER_KEYS: generateMasterKey('k1') } });
    const endpoint = await createEndpoint();
    const row = await stored(endpoint.id);
    expect(row.secret).toMatch(/^v1\./);
    for (const trace of traces(endpoint.secret)) expect(row.secret).not.toContain(trace);
    const keys = await f.h.db.selectFrom('data_keys').select('subject').execute();
    expect(keys.map((k) => k.subject)).toEqual([`webhook-endpoint:${endpoint.id}`]);

    await f.record(messageReceived(1));
    await f.pump();
    expect(f.received).toHaveLength(1);
    const [first] = f.received;
    expect(
      new Webhook(endpoint.secret).verify(first?.body ?? '', first?.headers as Record<string, string>),
    ).toMatchObject({ type: 'message.received', data: { message_id: 'm1' } });

    // A rotation keeps both encrypted, and both still sign.
    const rotated = await api('POST', `${BASE}/${endpoint.id}/rotate-secret`, { overlap_seconds: 3600 });
    expect(rotated.statusCode).toBe(200);
    const { secret } = rotated.json() as { secret: string };
    const after = await stored(endpoint.id);
    expect(after.secret).toMatch(/^v1\./);
    expect(after.previous_secret).toMatch(/^v1\./);
    for (const trace of [...traces(secret), ...traces(endpoint.secret)]) {
      expect(after.secret).not.toContain(trace);
      expect(after.previous_secret).not.toContain(trace);
    }
    await f.record(messageReceived(2));
    await f.pump();
    const second = f.received[1];
    const headers = second?.headers as Record<string, string>;
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(secret).verify(second?.body ?? '', headers)).toBeTruthy();
    expect(new Webhook(endpoint.secret).verify(second?.body ?? '', headers)).toBeTruthy();

    // Deleting the endpoint shreds its data key.
    expect((await api('DELETE', `${BASE}/${endpoint.id}`)).statusCode).toBe(204);
    const key = await f.h.db
      .selectFrom('data_keys')
      .select(['wrapped_key', 'destroyed_at'])
      .where('subject', '=', `webhook-endpoint:${endpoint.id}`)
      .executeTakeFirstOrThrow();
    expect(key.wrapped_key).toBeNull();
    expect(key.destroyed_at).not.toBeNull();
  });

  it('logs and retries, unsent, an attempt whose secret cannot be decrypted, and delivers once the key is back', async () => {
    f = await startWebhooksFixture(dialect, { env: { COEXIST_MASTER_KEYS: generateMasterKey('k1') } });
    const endpoint = await createEndpoint();
    const subject = `webhook-endpoint:${endpoint.id}`;
    const wrappedBy = (id: string) =>
      f.h.db.updateTable('data_keys').set({ master_key_id: id }).where('subject', '=', subject).execute();
    // As if the master key that wrapped it were dropped from COEXIST_MASTER_KEYS.
    await wrappedBy('gone');
    await f.record(messageReceived(1));
    await f.pump();
    expect(f.received).toEqual([]);
    const delivery = await f.h.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
    expect(delivery.state).toBe('pending');
    expect(delivery.attempts).toBe(1);
    expect(delivery.last_error).toMatch(/^not sent: .*master key gone/);
    const attempt = await f.h.db.selectFrom('webhook_attempts').selectAll().executeTakeFirstOrThrow();
    expect(JSON.parse(attempt.request_headers_json)).not.toHaveProperty('webhook-signature');

    await wrappedBy('k1');
    f.h.clock.set(Number(delivery.next_attempt_at) + 1);
    await f.pump();
    expect(f.received).toHaveLength(1);
    const [first] = f.received;
    // The receiver checks the timestamp against its own clock: compare the signature instead.
    expect(first?.headers['webhook-signature']).toBe(
      signedHeaders({
        secrets: [endpoint.secret],
        id: String(first?.headers['webhook-id']),
        timestamp: Number(first?.headers['webhook-timestamp']),
        body: first?.body ?? '',
      })['webhook-signature'],
    );
  });

  it('without master keys, stores the secret as given (there is no key to encrypt with)', async () => {
    f = await startWebhooksFixture(dialect);
    const endpoint = await createEndpoint();
    expect((await stored(endpoint.id)).secret).toBe(endpoint.secret);
    expect(await f.h.db.selectFrom('data_keys').select('subject').execute()).toEqual([]);
  });

  it('with master keys, still signs with a secret stored before them, and seals it at the next rotation', async () => {
    f = await startWebhooksFixture(dialect, { env: { COEXIST_MASTER_KEYS: generateMasterKey('k1') } });
    const endpoint = await createEndpoint();
    // As a hub that ran without master keys left it.
    await f.h.db
      .updateTable('webhook_endpoints')
      .set({ secret: endpoint.secret })
      .where('id', '=', endpoint.id)
      .execute();
    await f.record(messageReceived(1));
    await f.pump();
    const [first] = f.received;
    expect(
      new Webhook(endpoint.secret).verify(first?.body ?? '', first?.headers as Record<string, string>),
    ).toBeTruthy();

    const rotated = await api('POST', `${BASE}/${endpoint.id}/rotate-secret`, { overlap_seconds: 3600 });
    const { secret } = rotated.json() as { secret: string };
    const after = await stored(endpoint.id);
    expect(after.secret).toMatch(/^v1\./);
    expect(after.previous_secret).toMatch(/^v1\./);
    expect(after.previous_secret).not.toContain(endpoint.secret.slice('whsec_'.length));
    await f.record(messageReceived(2));
    await f.pump();
    const headers = f.received[1]?.headers as Record<string, string>;
    expect(new Webhook(secret).verify(f.received[1]?.body ?? '', headers)).toBeTruthy();
    expect(new Webhook(endpoint.secret).verify(f.received[1]?.body ?? '', headers)).toBeTruthy();
  });
});
