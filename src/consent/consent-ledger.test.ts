import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decideSend, type SendFacts } from '../outbound/send-policy.ts';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import {
  NUMBER,
  OTHER_NUMBER,
  OTHER_WABA,
  seedContact,
  seedConversation,
  seedNumber,
  T0,
  WABA,
} from '../testing/seed.ts';
import {
  consentHistory,
  consentState,
  consentStateFromLedger,
  consentStates,
  recordConsent,
  sha256Hex,
} from './consent-ledger.ts';
import { loadConsentFacts } from './consent-policy.ts';

describe.each(testDialects)('consent ledger on %s', (dialect) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    await seedNumber(t.db, { id: NUMBER, waba_id: WABA });
    await seedNumber(t.db, { id: OTHER_NUMBER, waba_id: OTHER_WABA });
    for (const id of ['c1', 'c2', 'c3'])
      await seedContact(t.db, { id, phone_number_id: NUMBER, wa_id: `1650555000${id.slice(1)}` });
    await seedContact(t.db, { id: 'o1', phone_number_id: OTHER_NUMBER, wa_id: '16505559999' });
  });
  afterEach(async () => t.destroy());

  it('stores every record with its evidence and the SHA-256 of the wording; the latest record decides', async () => {
    const wording = 'Yes, send me offers from Coexist Demo on WhatsApp. Reply STOP to stop.';
    const first = await t.db.transaction().execute((trx) =>
      recordConsent(trx, {
        contactId: 'c1',
        numberId: NUMBER,
        scope: 'marketing',
        action: 'opt_in',
        source: 'hosted_page',
        wording,
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0 test',
        at: T0,
      }),
    );
    expect(first.applied).toBe(true);
    expect(first.record.wording_sha256).toBe(sha256Hex(wording));
    expect(first.record.wording_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await consentState(t.db, { contactId: 'c1', numberId: NUMBER, scope: 'marketing' })).state).toBe(
      'opted_in',
    );

    await t.db.transaction().execute((trx) =>
      recordConsent(trx, {
        contactId: 'c1',
        numberId: NUMBER,
        scope: 'marketing',
        action: 'opt_out',
        source: 'keyword',
        wording: 'BAJA',
        evidence: 'wamid.X',
        at: T0 + 1000,
      }),
    );
    // An older record arriving late is kept as evidence but does not change the state.
    const late = await t.db.transaction().execute((trx) =>
      recordConsent(trx, {
        contactId: 'c1',
        numberId: NUMBER,
        scope: 'marketing',
        action: 'opt_in',
        source: 'api',
        actor: { kind: 'token', id: 'tok1' },
        at: T0 + 500,
      }),
    );
    expect(late.applied).toBe(false);
    const state = await consentState(t.db, { contactId: 'c1', numberId: NUMBER, scope: 'marketing' });
    expect(state).toMatchObject({ state: 'opted_out', source: 'keyword', at: T0 + 1000 });
    expect(await consentStateFromLedger(t.db, { contactId: 'c1', scope: 'marketing' })).toBe('opted_out');
    const contact = await t.db
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', 'c1')
      .executeTakeFirstOrThrow();
    expect(contact.marketing_opt_out).toBe(1);
    const history = await consentHistory(t.db, { contactId: 'c1' });
    expect(history.map((h) => [h.source, h.action])).toEqual([
      ['keyword', 'opt_out'],
      ['api', 'opt_in'],
      ['hosted_page', 'opt_in'],
    ]);
    expect(history[2]).toMatchObject({ ip: '203.0.113.7', user_agent: 'Mozilla/5.0 test', wording });
    expect(history[1]).toMatchObject({ actor_kind: 'token', actor_id: 'tok1' });
    const events = await t.db
      .selectFrom('domain_events')
      .select(['fact', 'payload_json'])
      .orderBy('id')
      .execute();
    expect(
      events.filter((e) => e.fact === 'contact.consent_changed').map((e) => JSON.parse(e.payload_json)),
    ).toEqual([
      expect.objectContaining({
        contact_id: 'c1',
        from: null,
        to: 'opted_in',
        source: 'hosted_page',
        applied: true,
      }),
      expect.objectContaining({ from: 'opted_in', to: 'opted_out', source: 'keyword', applied: true }),
      expect.objectContaining({ from: 'opted_out', to: 'opted_out', source: 'api', applied: false }),
    ]);
  });

  it('on a tie an opt-out wins; scopes are independent; a contact of another number is refused', async () => {
    for (const action of ['opt_out', 'opt_in'] as const)
      await t.db.transaction().execute((trx) =>
        recordConsent(trx, {
          contactId: 'c2',
          numberId: NUMBER,
          scope: 'marketing',
          action,
          source: 'api',
          at: T0,
        }),
      );
    await t.db.transaction().execute((trx) =>
      recordConsent(trx, {
        contactId: 'c2',
        numberId: NUMBER,
        scope: 'utility',
        action: 'opt_in',
        source: 'agent',
        evidence: 'asked by phone',
        at: T0,
      }),
    );
    const states = await consentStates(t.db, {
      contactIds: ['c1', 'c2', 'c3'],
      numberId: NUMBER,
      scope: 'marketing',
    });
    expect([...states.values()].map((s) => s.state)).toEqual(['none', 'opted_out', 'none']);
    expect((await consentState(t.db, { contactId: 'c2', numberId: NUMBER, scope: 'utility' })).state).toBe(
      'opted_in',
    );
    await expect(
      t.db.transaction().execute((trx) =>
        recordConsent(trx, {
          contactId: 'o1',
          numberId: NUMBER,
          scope: 'marketing',
          action: 'opt_in',
          source: 'api',
          at: T0,
        }),
      ),
    ).rejects.toThrow(/not a contact of number/);
  });

  it('the send policy refuses marketing without an opt-in under opt_in_required, and only opt-outs under not_opted_out', async () => {
    await t.db.transaction().execute((trx) =>
      recordConsent(trx, {
        contactId: 'c1',
        numberId: NUMBER,
        scope: 'marketing',
        action: 'opt_in',
        source: 'csv_import',
        evidence: 'form 2026-01',
        at: T0,
      }),
    );
    await t.db.transaction().execute((trx) =>
      recordConsent(trx, {
        contactId: 'c2',
        numberId: NUMBER,
        scope: 'marketing',
        action: 'opt_out',
        source: 'error_131050',
        at: T0,
      }),
    );
    const decide = async () => {
      const facts = await loadConsentFacts(t.db, NUMBER, ['c1', 'c2', 'c3']);
      return ['c1', 'c2', 'c3'].map((id) => {
        const contact = { id, marketing_opt_out: 0, marketing_opt_out_at: null };
        const base: SendFacts = {
          number: { id: NUMBER, display_phone_number: '1555', connection_state: 'connected' },
          contact,
          conversation: { window_expires_at: null },
          consent: facts.get(id)!,
          type: 'template',
          template: {
            name: 'promo',
            language: 'en',
            status: 'APPROVED',
            category: 'MARKETING',
            reason: null,
          },
          now: T0,
        };
        const utility = decideSend(
          { ...base, template: { ...base.template!, category: 'UTILITY' } },
          'enqueue',
        );
        expect(utility).toBeNull();
        return decideSend(base, 'dispatch')?.code ?? null;
      });
    };
    expect(await decide()).toEqual([null, 'CONTACT_OPTED_OUT', 'CONTACT_NOT_OPTED_IN']);
    await t.db
      .insertInto('consent_settings')
      .values({
        phone_number_id: NUMBER,
        policy: 'not_opted_out',
        opt_out_keywords_json: null,
        opt_in_keywords_json: null,
        opt_out_reply: null,
        opt_in_reply: null,
        page_wording: null,
        updated_at: T0,
        updated_by: null,
      })
      .execute();
    expect(await decide()).toEqual([null, 'CONTACT_OPTED_OUT', null]);
  });

  it('an opt-out cancels the contact’s queued marketing sends, with the reason on each message', async () => {
    await seedConversation(t.db, { id: 'v1', phone_number_id: NUMBER, contact_id: 'c1' });
    for (const [name, category] of [
      ['promo', 'MARKETING'],
      ['receipt', 'UTILITY'],
    ] as const)
      await t.db
        .insertInto('templates')
        .values({
          id: name,
          waba_id: WABA,
          meta_template_id: null,
          name,
          language: 'en',
          status: 'APPROVED',
          category,
          components_json: '[]',
          parameter_format: null,
          reason: null,
          status_changed_at: null,
          updated_at: T0,
        })
        .execute();
    const { newMessageRow } = await import('../messages/new-message-row.ts');
    for (const [id, name] of [
      ['m1', 'promo'],
      ['m2', 'receipt'],
    ] as const) {
      await t.db
        .insertInto('messages')
        .values(
          newMessageRow({
            id,
            phone_number_id: NUMBER,
            conversation_id: 'v1',
            contact_id: 'c1',
            direction: 'outbound',
            origin: 'campaign',
            type: 'template',
            content_json: JSON.stringify({ name, language: 'en', components: [] }),
            timestamp: T0,
            received_at: T0,
            status: 'queued',
          }),
        )
        .execute();
      await t.db
        .insertInto('outbox_jobs')
        .values({
          message_id: id,
          phone_number_id: NUMBER,
          contact_id: 'c1',
          priority: 1,
          state: 'queued',
          not_before: null,
          lease_epoch: null,
          claimed_by: null,
          dispatched_at: null,
          finished_at: null,
          last_error_json: null,
          created_at: T0,
          updated_at: T0,
        })
        .execute();
    }
    const result = await t.db.transaction().execute((trx) =>
      recordConsent(trx, {
        contactId: 'c1',
        numberId: NUMBER,
        scope: 'marketing',
        action: 'opt_out',
        source: 'keyword',
        wording: 'STOP',
        at: T0 + 10,
      }),
    );
    expect(result.cancelledMessageIds).toEqual(['m1']);
    const jobs = await t.db
      .selectFrom('outbox_jobs')
      .select(['message_id', 'state'])
      .orderBy('message_id')
      .execute();
    expect(jobs).toEqual([
      { message_id: 'm1', state: 'cancelled' },
      { message_id: 'm2', state: 'queued' },
    ]);
    const m1 = await t.db
      .selectFrom('messages')
      .select(['status', 'error_json'])
      .where('id', '=', 'm1')
      .executeTakeFirstOrThrow();
    expect(m1.status).toBe('failed');
    expect(JSON.parse(m1.error_json ?? '{}').code).toBe('CONTACT_OPTED_OUT');
  });
});
