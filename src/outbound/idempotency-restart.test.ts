import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { testDialects } from '../testing/databases.ts';
import { type OutboundEnv, PNID, startOutboundEnv } from '../testing/sandbox-env.ts';
import { idempotencyOwner, requestHash } from './idempotency.ts';

const BODY = {
  phone_number_id: PNID,
  to: '16505551234',
  type: 'template',
  template: { name: 'hello_world', language: 'en_US' },
};

describe.each(testDialects)('an interrupted POST /api/messages and a restart (%s)', (dialect) => {
  let env: OutboundEnv | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  it('releases the in-flight keys of a dead process at start-up; a live one still answers 409', async () => {
    env = await startOutboundEnv(dialect);
    const e = env;
    const token = await e.db.db.selectFrom('api_tokens').select('id').executeTakeFirstOrThrow();
    const now = Date.now();
    const inFlight = (key: string, owner: string) =>
      e.db.db
        .insertInto('idempotency_keys')
        .values({
          principal_id: `token:${token.id}`,
          key,
          request_hash: requestHash('POST', '/api/messages', BODY),
          state: 'in_flight',
          response_status: null,
          response_body: null,
          created_at: now,
          expires_at: now + 86_400_000,
          owner,
        })
        .execute();
    // The process that took `k-dead` was killed mid-request; `k-live` belongs to this process.
    await inFlight('k-dead', `${e.deps.config.nodeId}/a-process-that-died`);
    await inFlight('k-live', idempotencyOwner(e.deps.config.nodeId));

    const restarted = await buildApp(e.deps);
    try {
      const send = (key: string) =>
        restarted.inject({
          method: 'POST',
          url: '/api/messages',
          headers: { authorization: `Bearer ${e.token}`, 'idempotency-key': key },
          payload: BODY,
        });
      const retried = await send('k-dead');
      expect(retried.statusCode, retried.body).toBe(202);
      const live = await send('k-live');
      expect(live.statusCode).toBe(409);
      expect(live.json().error.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
      const replay = await send('k-dead');
      expect(replay.statusCode).toBe(202);
      expect(replay.json().id).toBe(retried.json().id);
    } finally {
      await restarted.close();
    }
  });
});
