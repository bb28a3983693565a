import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import { NUMBER, seedContact, seedConversation, seedNumber, T0, WABA } from '../testing/seed.ts';
import { STATUS_RANK, transitionStatus, transitionStatuses } from './message-status.ts';
import { newMessageRow } from './new-message-row.ts';

describe.each(testDialects)('message status, the one writer (%s)', (dialect) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase(dialect);
    await seedNumber(db.db, { id: NUMBER, waba_id: WABA });
    await seedContact(db.db, { id: 'k1', phone_number_id: NUMBER, wa_id: '16505551234' });
    await seedConversation(db.db, { id: 'c1', phone_number_id: NUMBER, contact_id: 'k1' });
  });
  afterEach(async () => db.destroy());

  async function outbound(id: string, status: 'queued' | 'unknown' = 'queued', error: string | null = null) {
    await db.db
      .insertInto('messages')
      .values(
        newMessageRow({
          id,
          phone_number_id: NUMBER,
          conversation_id: 'c1',
          contact_id: 'k1',
          direction: 'outbound',
          origin: 'api',
          type: 'text',
          content_json: '{"body":"hi"}',
          timestamp: T0,
          received_at: T0,
          status,
          error_json: error,
          biz_opaque_callback_data: id,
        }),
      )
      .execute();
  }
  const row = (id: string) =>
    db.db
      .selectFrom('messages')
      .select(['status', 'status_rank', 'status_at', 'error_json', 'wamid', 'pricing_json'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const events = async () =>
    (await db.db.selectFrom('domain_events').select(['fact', 'payload_json']).orderBy('id').execute()).map(
      (e) => ({ fact: e.fact, ...JSON.parse(e.payload_json) }),
    );

  it('writes a new row with every column stated once', async () => {
    await outbound('m1');
    expect(await row('m1')).toEqual({
      status: 'queued',
      status_rank: 0,
      status_at: T0,
      error_json: null,
      wamid: null,
      pricing_json: null,
    });
  });

  it('moves a lifecycle step only from the stated statuses, and records {from, to}', async () => {
    await outbound('m1');
    const claimed = await transitionStatus(db.db, {
      messageId: 'm1',
      to: 'sending',
      from: ['queued'],
      at: T0 + 1,
    });
    expect(claimed).toMatchObject({ from: 'queued', to: 'sending', moved: true });
    expect(
      await transitionStatus(db.db, { messageId: 'm1', to: 'sending', from: ['queued'], at: T0 + 2 }),
    ).toBeNull();
    await transitionStatus(db.db, {
      messageId: 'm1',
      to: 'sent',
      from: ['sending'],
      wamid: 'wamid.A',
      error: null,
      at: T0 + 3,
    });
    expect(await row('m1')).toMatchObject({
      status: 'sent',
      status_rank: STATUS_RANK.sent,
      wamid: 'wamid.A',
    });
    expect((await events()).map((e) => ({ fact: e.fact, from: e.from, to: e.to }))).toEqual([
      { fact: 'message.status_changed', from: 'queued', to: 'sending' },
      { fact: 'message.status_changed', from: 'sending', to: 'sent' },
    ]);
  });

  it('moves a delivery status only up the one rank table; an equal rank moves only the time', async () => {
    await outbound('m1');
    await transitionStatus(db.db, { messageId: 'm1', to: 'sent', from: ['queued'], at: T0 + 1 });
    await transitionStatus(db.db, { messageId: 'm1', to: 'read', statusAt: T0 + 50, at: T0 + 60 });
    expect(
      await transitionStatus(db.db, { messageId: 'm1', to: 'delivered', statusAt: T0 + 40, at: T0 + 61 }),
    ).toBeNull();
    const failed = await transitionStatus(db.db, {
      messageId: 'm1',
      to: 'failed',
      error: '[{"code":131026}]',
      at: T0 + 62,
    });
    // A failure below the current rank keeps the status and records the error.
    expect(failed).toMatchObject({ from: 'read', to: 'read', moved: false });
    await transitionStatus(db.db, { messageId: 'm1', to: 'read', statusAt: T0 + 70, at: T0 + 71 });
    expect(await row('m1')).toMatchObject({
      status: 'read',
      status_rank: STATUS_RANK.read,
      status_at: T0 + 70,
      error_json: '[{"code":131026}]',
    });
  });

  it('clears the outcome-unknown error when a late status proves the send', async () => {
    await outbound('m1', 'unknown', '{"code":"SEND_OUTCOME_UNKNOWN"}');
    await transitionStatus(db.db, {
      messageId: 'm1',
      to: 'read',
      wamid: 'wamid.B',
      statusAt: T0 + 5,
      at: T0 + 6,
    });
    expect(await row('m1')).toMatchObject({ status: 'read', error_json: null, wamid: 'wamid.B' });
  });

  it('applies a batch with grouped writes, several moves of one message in order', async () => {
    for (const id of ['a', 'b', 'c']) await outbound(id);
    const changes = await transitionStatuses(db.db, {
      moves: [
        { messageId: 'a', to: 'sending', from: ['queued'] },
        { messageId: 'b', to: 'sending', from: ['queued'] },
        { messageId: 'a', to: 'sent', from: ['sending'], wamid: 'wamid.a' },
        { messageId: 'c', to: 'failed', from: ['sending'] },
        { messageId: 'missing', to: 'sent', from: ['queued'] },
      ],
      at: T0 + 1,
    });
    expect(changes.map((c) => [c.messageId, c.from, c.to])).toEqual([
      ['a', 'queued', 'sending'],
      ['b', 'queued', 'sending'],
      ['a', 'sending', 'sent'],
    ]);
    expect((await row('a')).status).toBe('sent');
    expect((await row('b')).status).toBe('sending');
    expect((await row('c')).status).toBe('queued');
  });
});
