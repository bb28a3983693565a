import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDialects } from '../testing/databases.ts';
import {
  createWebhookHarness,
  envelope,
  fixture,
  type WebhookHarness,
  webhookFixtureNames,
} from '../testing/webhook-harness.ts';

const PN = '106540352242922';
const SDK_PN = '1122334455667';
const HOUR = 3_600_000;

describe.each(testDialects)('every Meta fixture through POST /webhooks/meta on %s', (dialect) => {
  let database: TestDatabase;
  let h: WebhookHarness;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    h = await createWebhookHarness(database);
  });
  afterEach(async () => {
    await h.close();
    await database.destroy();
  });

  const db = () => database.db;
  const ingest = async (name: string) => {
    const res = await h.post(fixture(name));
    expect(res.statusCode).toBe(200);
    const outcomes = await h.drain();
    expect(outcomes.reduce((n, o) => n + o.failed, 0)).toBe(0);
  };
  const message = (pn: string, wamid: string) =>
    db()
      .selectFrom('messages')
      .selectAll()
      .where('phone_number_id', '=', pn)
      .where('wamid', '=', wamid)
      .executeTakeFirstOrThrow();
  const conversationOf = (id: string) =>
    db().selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const contactOf = (id: string) =>
    db().selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('covers every webhook fixture in the folder', () => {
    expect(webhookFixtureNames()).toEqual(Object.keys(checks).sort());
  });

  const checks: Record<string, () => Promise<void>> = {
    'messages_text.json': async () => {
      await ingest('messages_text.json');
      const m = await message(SDK_PN, 'wamid.xyzxyz');
      expect(m).toMatchObject({
        direction: 'inbound',
        origin: 'customer',
        type: 'text',
        status: 'received',
        timestamp: 1697043223000,
      });
      expect(JSON.parse(m.content_json)).toEqual({ body: 'Body Text' });
      const contact = await contactOf(m.contact_id);
      expect(contact).toMatchObject({
        wa_id: '972987654321',
        bsuid: 'US.13491208655302741918',
        parent_bsuid: 'US.ENT.11815799212886844830',
        profile_name: 'Test Name',
      });
      const conv = await conversationOf(m.conversation_id);
      expect(conv).toMatchObject({
        unread_count: 1,
        window_expires_at: 1697043223000 + 24 * HOUR,
        last_message_at: 1697043223000,
        last_message_preview: 'Body Text',
      });
      const number = await db()
        .selectFrom('phone_numbers')
        .selectAll()
        .where('id', '=', SDK_PN)
        .executeTakeFirstOrThrow();
      expect(number).toMatchObject({ waba_id: '1234567890987654321', display_phone_number: '972123456789' });
      const events = await db().selectFrom('domain_events').select('type').execute();
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining([
          'message.added',
          'conversation.changed',
          'contact.changed',
          'number.changed',
        ]),
      );
    },
    'messages_image.json': async () => {
      await ingest('messages_image.json');
      const m = await message(SDK_PN, 'wamid.xyzxyz');
      expect(m.type).toBe('image');
      expect(JSON.parse(m.content_json)).toMatchObject({
        id: '65463453',
        mime_type: 'image/jpeg',
        url: expect.stringContaining('lookaside'),
      });
    },
    'messages_audio_voice.json': async () => {
      await ingest('messages_audio_voice.json');
      const m = await message(SDK_PN, 'wamid.xyzxyz');
      expect(m.type).toBe('audio');
      expect(JSON.parse(m.content_json)).toMatchObject({ voice: true, mime_type: 'audio/ogg; codecs=opus' });
    },
    'messages_location.json': async () => {
      await ingest('messages_location.json');
      const m = await message(SDK_PN, 'wamid.xyzxyz');
      expect(m.type).toBe('location');
      expect(JSON.parse(m.content_json)).toMatchObject({ latitude: 37.4611978, name: 'Facebook HQ' });
      expect(JSON.parse(m.context_json ?? '{}')).toEqual({ forwarded: true });
    },
    'messages_button_quick_reply.json': async () => {
      await ingest('messages_button_quick_reply.json');
      const m = await message(SDK_PN, 'wamid.xsidjw');
      expect(m).toMatchObject({ type: 'button', context_wamid: 'wamid.xyzxyz==' });
      expect(JSON.parse(m.content_json)).toEqual({ payload: 'callback_data', text: 'title' });
    },
    'messages_interactive_button_reply.json': async () => {
      await ingest('messages_interactive_button_reply.json');
      const m = await message(PN, 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQThBREYwNzc2RDc2QjA1QTIwMgA=');
      expect(m.type).toBe('interactive');
      expect(JSON.parse(m.content_json)).toMatchObject({
        type: 'button_reply',
        button_reply: { id: 'change-button', title: 'Change' },
      });
      expect((await conversationOf(m.conversation_id)).last_message_preview).toBe('Change');
      expect((await contactOf(m.contact_id)).profile_name).toBe('Pablo Morales');
    },
    'messages_interactive_list_reply.json': async () => {
      await ingest('messages_interactive_list_reply.json');
      const m = await message(PN, 'wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTZDMzFGRUFBQjlDMzIzMzlEQwA=');
      expect(JSON.parse(m.content_json)).toMatchObject({
        list_reply: { id: 'priority_express', description: 'Next Day to 2 Days' },
      });
    },
    'messages_reaction.json': async () => {
      // The reacted-to message is not stored yet: the reaction waits, then applies when it appears.
      await ingest('messages_reaction.json');
      const pending = await db().selectFrom('pending_applies').selectAll().execute();
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({ target_wamid: 'wamid.yzxyzx=', kind: 'reaction' });
      const body = fixture('messages_text.json').toString().replace('wamid.xyzxyz', 'wamid.yzxyzx=');
      expect((await h.post(body)).statusCode).toBe(200);
      await h.drain();
      const target = await message(SDK_PN, 'wamid.yzxyzx=');
      expect(JSON.parse(target.reactions_json)).toEqual({
        customer: { emoji: '😮', wamid: 'wamid.xyzxyz', at: 1697044456000 },
      });
      expect(await db().selectFrom('pending_applies').selectAll().execute()).toHaveLength(0);
    },
    'messages_unsupported.json': async () => {
      await ingest('messages_unsupported.json');
      const m = await message(SDK_PN, 'wamid.xyzxyz');
      expect(m.type).toBe('unsupported');
      expect(JSON.parse(m.errors_json ?? '[]')[0]).toMatchObject({ code: 131051 });
    },
    'smb_message_echoes.json': async () => {
      await ingest('smb_message_echoes.json');
      const m = await message(PN, 'wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA');
      expect(m).toMatchObject({
        direction: 'outbound',
        origin: 'business_app',
        status: 'sent',
        timestamp: 1700255121000,
      });
      expect((await contactOf(m.contact_id)).wa_id).toBe('16505551234');
      const conv = await conversationOf(m.conversation_id);
      expect(conv).toMatchObject({
        window_expires_at: null,
        unread_count: 0,
        last_message_at: 1700255121000,
      });
      const number = await db()
        .selectFrom('phone_numbers')
        .selectAll()
        .where('id', '=', PN)
        .executeTakeFirstOrThrow();
      expect(number.last_echo_at).toBe(1700255121000);
    },
    'smb_message_echoes_revoke.json': async () => {
      const original = fixture('smb_message_echoes.json')
        .toString()
        .replaceAll('15550783881', '972123456789')
        .replace('16505551234', '972987654321')
        .replace('106540352242922', SDK_PN)
        // The same business account as the revoke's number (a webhook of another WABA is refused).
        .replace('"id": "102290129340398"', '"id": "1234567890987654321"')
        .replace('wamid.HBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0N0FCNjMA', 'wamid.zzzzzz');
      await ingest('smb_message_echoes_revoke.json');
      expect((await db().selectFrom('pending_applies').selectAll().execute())[0]).toMatchObject({
        kind: 'revoke',
        target_wamid: 'wamid.zzzzzz',
      });
      expect((await h.post(original)).statusCode).toBe(200);
      await h.drain();
      const m = await message(SDK_PN, 'wamid.zzzzzz');
      expect(m.deleted_at).toBe(1697044968000);
      // The user side of the reversed echo is the customer, not the business.
      expect((await contactOf(m.contact_id)).wa_id).toBe('972987654321');
    },
    'status_sent_pmp_marketing.json': async () => {
      await ingest('status_sent_pmp_marketing.json');
      const events = await db().selectFrom('message_status_events').selectAll().execute();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        status: 'sent',
        applied: 0,
        wamid: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=',
      });
      expect(JSON.parse(events[0]?.pricing_json ?? '{}')).toMatchObject({
        pricing_model: 'PMP',
        type: 'regular',
      });
    },
    'status_delivered_cbp.json': async () => {
      await ingest('status_delivered_cbp.json');
      const events = await db().selectFrom('message_status_events').selectAll().execute();
      expect(events[0]).toMatchObject({
        status: 'delivered',
        timestamp: 1750263773000,
        recipient_id: '16505551234',
      });
    },
    'history.json': async () => {
      await ingest('history.json');
      const rows = await db()
        .selectFrom('messages')
        .selectAll()
        .where('phone_number_id', '=', PN)
        .orderBy('wamid')
        .execute();
      expect(rows).toHaveLength(4);
      expect(rows.every((r) => r.origin === 'history')).toBe(true);
      const placeholder = rows.find((r) => r.type === 'media_placeholder');
      expect(placeholder).toMatchObject({
        direction: 'outbound',
        history_status: 'played',
        timestamp: 1739230970000,
      });
      const received = await message(PN, 'wamid.N0FCNjMAHBgLMTY0NjcwNDM1OTUVAgARGBIyNDlBOEI5QUQ4NDc0');
      expect(received).toMatchObject({ direction: 'inbound', status: 'received' });
      const convs = await db().selectFrom('conversations').selectAll().execute();
      expect(convs).toHaveLength(2);
      // The last imported message is the summary; threads a year old land resolved (docs/inbox.md).
      for (const c of convs)
        expect(c).toMatchObject({
          unread_count: 0,
          window_expires_at: null,
          last_message_at: 1739230970000,
          status: 'resolved',
        });
      const number = await db()
        .selectFrom('phone_numbers')
        .selectAll()
        .where('id', '=', PN)
        .executeTakeFirstOrThrow();
      expect(number).toMatchObject({ history_state: 'in_progress', history_progress: 55 });
      const chunks = await db().selectFrom('history_chunks').selectAll().execute();
      expect(chunks).toEqual([
        expect.objectContaining({ phase: 0, chunk_order: 1, progress: 55, message_count: 4 }),
      ]);
      // The later media webhook completes the placeholder.
      const media = envelope('history', {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550783881', phone_number_id: PN },
        messages: [
          {
            from: '15550783881',
            id: placeholder?.wamid,
            timestamp: '1739230970',
            type: 'image',
            image: { mime_type: 'image/jpeg', sha256: 'x', id: '777' },
          },
        ],
      });
      expect((await h.post(media)).statusCode).toBe(200);
      await h.drain();
      const completed = await message(PN, placeholder?.wamid ?? '');
      expect(completed).toMatchObject({ type: 'image', origin: 'history' });
      expect(JSON.parse(completed.content_json)).toMatchObject({ id: '777' });
    },
    'history_declined.json': async () => {
      const res = await h.post(envelope('history', JSON.parse(fixture('history_declined.json').toString())));
      expect(res.statusCode).toBe(200);
      await h.drain();
      const number = await db()
        .selectFrom('phone_numbers')
        .selectAll()
        .where('id', '=', PN)
        .executeTakeFirstOrThrow();
      expect(number.history_state).toBe('declined');
      expect(JSON.parse(number.history_error_json ?? '[]')[0]).toMatchObject({ code: 2593109 });
      // The bare value, as Meta publishes it, is accepted too.
      expect((await h.post(fixture('history_declined.json'))).statusCode).toBe(200);
      const outcomes = await h.drain();
      expect(outcomes[0]?.failed).toBe(0);
    },
    'smb_app_state_sync.json': async () => {
      await ingest('smb_app_state_sync.json');
      const c = await db()
        .selectFrom('contacts')
        .selectAll()
        .where('wa_id', '=', '16505551234')
        .executeTakeFirstOrThrow();
      expect(c).toMatchObject({
        address_book_name: 'Pablo Morales',
        address_book_first_name: 'Pablo',
        in_address_book: 1,
        address_book_synced_at: 1739321024000,
      });
      const number = await db()
        .selectFrom('phone_numbers')
        .select('contacts_sync_state')
        .where('id', '=', '106540352242922')
        .executeTakeFirstOrThrow();
      expect(number.contacts_sync_state).toBe('received');
    },
    'account_update_partner_removed.json': async () => {
      await seedNumber();
      await ingest('account_update_partner_removed.json');
      const n = await db()
        .selectFrom('phone_numbers')
        .selectAll()
        .where('id', '=', PN)
        .executeTakeFirstOrThrow();
      expect(n).toMatchObject({
        connection_state: 'disconnected',
        disconnection_reason: 'PRIMARY_INACTIVITY',
        disconnection_initiated_by: 'SYSTEM',
        last_lifecycle_at: 1739212624000,
      });
      const events = await db().selectFrom('account_events').selectAll().execute();
      expect(events[0]).toMatchObject({
        event: 'PARTNER_REMOVED',
        phone_number_id: PN,
        meta_time: 1739212624000,
      });
    },
    'account_update_account_offboarded.json': async () => {
      await ingest('account_update_account_offboarded.json');
      const events = await db().selectFrom('account_events').selectAll().execute();
      expect(events[0]).toMatchObject({
        event: 'ACCOUNT_OFFBOARDED',
        waba_id: '862475293675413',
        meta_time: 1768477204000,
      });
    },
    'account_update_partner_app_uninstalled.json': async () => {
      await ingest('account_update_partner_app_uninstalled.json');
      const events = await db().selectFrom('account_events').selectAll().execute();
      expect(events[0]).toMatchObject({ event: 'PARTNER_APP_UNINSTALLED', waba_id: '2949482758682047' });
    },
    'template_status_update_approved.json': async () => {
      await ingest('template_status_update_approved.json');
      const t = await db().selectFrom('templates').selectAll().executeTakeFirstOrThrow();
      expect(t).toMatchObject({
        meta_template_id: '1689556908129832',
        name: 'order_confirmation',
        language: 'en-US',
        status: 'APPROVED',
        category: 'UTILITY',
        waba_id: '102290129340398',
      });
    },
  };

  async function seedNumber() {
    await h.post(fixture('smb_app_state_sync.json'));
    await h.drain();
  }

  it.each(Object.keys(checks).sort())('%s', async (name) => {
    await checks[name]?.();
  });
});
