import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../auth/api-tokens.ts';
import { sharedRowsApplyTo } from '../auth/organisation-scope.ts';
import { hashPassword } from '../auth/passwords.ts';
import { listKbEntries } from '../automation/knowledge/knowledge.repository.ts';
import { rulesFor } from '../automation/rules.ts';
import { outboundWebhooksSubscriber } from '../integrations/outbound-webhooks/fanout.subscriber.ts';
import type { DomainEvent } from '../platform/events/catalogue.ts';
import { testDialects } from '../testing/databases.ts';
import { createTestUser, NUMBER, OTHER_NUMBER, OTHER_WABA, PASSWORD, seedInbox } from '../testing/seed.ts';
import { buildTestApp, type TestApp } from '../testing/test-app.ts';
import { insertUser } from '../users/users.repository.ts';

/*
 * Rows "for every number" (a rule, a label, a webhook endpoint, a knowledge entry, a routing
 * policy without a number or account) made while the hub hosted one business are that business's,
 * the default organisation's. Once the provider hosts a second organisation, they must never fire,
 * apply or show for its numbers, while they keep working for the first one.
 */

const ORG_B = 'org_b_shared';

describe.each(testDialects)('rows for every number stay in their organisation on %s', (dialect) => {
  let t: TestApp;
  let ownerA: { token: string };
  let tokenB: string;
  const ids: Record<string, string> = {};

  const as = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  beforeAll(async () => {
    t = await buildTestApp(dialect);
    await seedInbox(t.deps);
    // One business on the hub: its owner makes rows for every number and every account.
    ownerA = await createTestUser(t.deps, { role: 'owner', email: 'owner-a@example.test' });
    const rule = await as(ownerA.token, 'POST', '/api/automation/rules', {
      name: 'shared-rule-of-a',
      trigger: { type: 'customer_message' },
      actions: [{ type: 'send', content: { type: 'text', text: { body: 'hello from a' } } }],
    });
    expect(rule.statusCode).toBe(201);
    expect(rule.json().phone_number_id).toBeNull();
    ids.rule = rule.json().id;
    const team = await as(ownerA.token, 'POST', '/api/teams', { name: 'shared-team-of-a' });
    expect(team.statusCode).toBe(201);
    expect(team.json().waba_id).toBeNull();
    ids.team = team.json().id;
    const label = await as(ownerA.token, 'POST', '/api/labels', { name: 'shared-label-of-a' });
    expect(label.statusCode).toBe(201);
    expect(label.json().waba_id).toBeNull();
    ids.label = label.json().id;
    const kb = await as(ownerA.token, 'POST', '/api/knowledge', {
      question: 'shared-question-of-a',
      answer: 'shared-answer-of-a',
    });
    expect(kb.statusCode).toBe(201);
    const policy = await as(ownerA.token, 'POST', '/api/routing/policies', {
      name: 'shared-policy-of-a',
      strategy: 'balanced',
    });
    expect(policy.statusCode).toBe(201);
    ids.policy = policy.json().id;
    const now = t.clock.now();
    ids.endpoint = 'endpoint-of-a';
    await t.db
      .insertInto('webhook_endpoints')
      .values({
        id: ids.endpoint,
        url: 'https://crm.example.com/shared-endpoint-of-a',
        description: 'shared-endpoint-of-a',
        event_types_json: JSON.stringify(['message.received', 'label.changed']),
        waba_id: null,
        secret: 'whsec_dGVzdA==',
        previous_secret: null,
        previous_secret_expires_at: null,
        enabled: 1,
        disabled_reason: null,
        disabled_at: null,
        failing_since: null,
        created_at: now - 1,
        updated_at: now - 1,
      })
      .execute();
    // Then the provider hosts a second business, which owns the second account.
    await t.db
      .insertInto('organisations')
      .values({ id: ORG_B, name: 'B Ltd', created_by: null, created_at: now, updated_at: now })
      .execute();
    await t.db.updateTable('wabas').set({ organisation_id: ORG_B }).where('id', '=', OTHER_WABA).execute();
    const ownerB = await insertUser(t.db, {
      email: 'owner-b@example.test',
      name: 'Owner B',
      role: 'owner',
      passwordHash: await hashPassword(PASSWORD),
      wabaIds: null,
      now,
      organisationId: ORG_B,
    });
    tokenB = (
      await createApiToken(t.db, { name: 'b', userId: ownerB.id, organisationId: ORG_B, role: 'owner', now })
    ).token;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('a rule for every number fires for the first organisation’s numbers only', async () => {
    expect((await rulesFor(t.db, NUMBER)).map((r) => r.row.id)).toEqual([ids.rule]);
    expect(await rulesFor(t.db, OTHER_NUMBER)).toEqual([]);
    expect(await sharedRowsApplyTo(t.db, NUMBER)).toBe(true);
    expect(await sharedRowsApplyTo(t.db, OTHER_NUMBER)).toBe(false);
    // An event of no number (a label renamed, a user changed) may be either organisation's.
    expect(await sharedRowsApplyTo(t.db, null)).toBe(false);
  });

  it('a knowledge entry for every number answers the first organisation’s numbers only', async () => {
    expect((await listKbEntries(t.db, { phoneNumberId: NUMBER })).map((e) => e.question)).toEqual([
      'shared-question-of-a',
    ]);
    expect(await listKbEntries(t.db, { phoneNumberId: OTHER_NUMBER })).toEqual([]);
  });

  it('a webhook endpoint for every account receives none of the other organisation’s events', async () => {
    const deliver = async (id: number, phoneNumberId: string | null) => {
      const event = {
        id,
        type: 'message.received',
        phoneNumberId,
        payload: {},
        at: t.clock.now(),
      } as unknown as DomainEvent & { id: number; at: number };
      await t.db.transaction().execute(async (trx) => {
        await outboundWebhooksSubscriber.handle(trx as never, event as never);
      });
      const rows = await t.db
        .selectFrom('webhook_deliveries')
        .select('event_id')
        .where('endpoint_id', '=', ids.endpoint!)
        .execute();
      return rows.map((r) => Number(r.event_id));
    };
    expect(await deliver(900_001, OTHER_NUMBER)).toEqual([]);
    expect(await deliver(900_002, null)).toEqual([]);
    expect(await deliver(900_003, NUMBER)).toEqual([900_003]);
  });

  it('the other organisation sees none of them, the first one still does', async () => {
    const reads = [
      '/api/automation/rules',
      '/api/labels',
      '/api/teams',
      '/api/knowledge',
      '/api/routing/policies',
      '/api/integrations/webhooks',
    ];
    for (const url of reads) {
      const ofB = await as(tokenB, 'GET', url);
      expect(ofB.statusCode, url).toBe(200);
      expect(ofB.body, url).not.toMatch(/shared-[a-z]+-of-a/);
      const ofA = await as(ownerA.token, 'GET', url);
      expect(ofA.statusCode, url).toBe(200);
      expect(ofA.body, url).toMatch(/shared-[a-z]+-of-a/);
    }
    for (const url of [`/api/automation/rules/${ids.rule}`, `/api/integrations/webhooks/${ids.endpoint}`]) {
      expect((await as(tokenB, 'GET', url)).statusCode, url).toBe(404);
      expect((await as(ownerA.token, 'GET', url)).statusCode, url).toBe(200);
    }
  });

  it('the other organisation cannot give its conversations to the shared team, nor route with it', async () => {
    const res = await as(tokenB, 'PATCH', '/api/conversations/conversation-b', { team_id: ids.team });
    expect(res.statusCode, res.body).toBe(400);
    const row = await t.db
      .selectFrom('conversations')
      .select('team_id')
      .where('id', '=', 'conversation-b')
      .executeTakeFirstOrThrow();
    expect(row.team_id).toBeNull();
    const policy = await as(tokenB, 'POST', '/api/routing/policies', {
      name: 'b',
      strategy: 'balanced',
      phone_number_id: OTHER_NUMBER,
      team_id: ids.team,
    });
    expect(policy.statusCode, policy.body).toBe(400);
  });

  it('the other organisation cannot put the shared label on its conversations', async () => {
    const res = await as(tokenB, 'POST', '/api/conversations/conversation-b/labels', { label_id: ids.label });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
    const labelled = await t.db
      .selectFrom('conversation_labels')
      .select('label_id')
      .where('conversation_id', '=', 'conversation-b')
      .execute();
    expect(labelled).toEqual([]);
  });
});
