import { afterEach, describe, expect, it } from 'vitest';
import { CUSTOMER, graph, harness, type Json, PNID } from '../testing/harness.ts';

type H = Awaited<ReturnType<typeof harness>>;
const sync = (h: H, sync_type: string) =>
  graph(h.sb, `${PNID}/smb_app_data`, { body: { messaging_product: 'whatsapp', sync_type } });

describe('simulated Business App phone', () => {
  let h: H;
  afterEach(() => h.close());

  it('syncs contacts once, then sends each contact change; a second request gets 2593107', async () => {
    h = await harness();
    const first = await sync(h, 'smb_app_state_sync');
    expect(first.body).toEqual({ messaging_product: 'whatsapp', request_id: expect.any(String) });
    await h.sb.clock.advance(1000);
    const initial = h.hub.items('state_sync', 'smb_app_state_sync');
    expect(initial).toEqual([
      {
        type: 'contact',
        contact: { full_name: 'Ana', first_name: 'Ana', phone_number: CUSTOMER },
        action: 'add',
        metadata: { timestamp: expect.stringMatching(/^\d{10}$/) },
      },
    ]);
    await h.sb.control.upsertContact(PNID, { phoneNumber: '16505550001', fullName: 'Bea Costa' });
    await h.sb.control.removeContact(PNID, CUSTOMER);
    await h.sb.idle();
    const later = h.hub.items('state_sync', 'smb_app_state_sync').slice(1);
    expect(later.map((s) => [s.action, s.contact])).toEqual([
      ['add', { full_name: 'Bea Costa', first_name: 'Bea', phone_number: '16505550001' }],
      ['remove', { phone_number: CUSTOMER }],
    ]);
    expect((await sync(h, 'smb_app_state_sync')).body.error.code).toBe(2593107);
  });

  it('refuses a sync more than 24 hours after onboarding with 2593108', async () => {
    h = await harness();
    await h.sb.clock.advance(24 * 3600_000 + 1);
    expect((await sync(h, 'history')).body.error.code).toBe(2593108);
  });

  it('shares generated history in phases and chunks, out of order, ending at progress 100, then media', async () => {
    h = await harness({ history: { contacts: 4, messagesPerContact: 30, chunkSize: 10 } });
    await h.sb.control.openApp(PNID);
    expect((await sync(h, 'history')).status).toBe(200);
    await h.sb.clock.advance(120_000);
    const changes = h.hub.changes('history');
    const chunks = changes
      .filter((c) => Array.isArray(c.value.history))
      .map((c) => (c.value.history as Json[])[0]!);
    const items = chunks.flatMap((c) => (c.threads as Json[]).flatMap((t) => t.messages as Json[]));
    expect(items).toHaveLength(120);
    expect(new Set(chunks.map((c) => c.metadata.phase))).toEqual(new Set([0, 1, 2]));
    expect(chunks.at(-1)!.metadata.progress).toBe(100);
    expect(chunks.filter((c) => c.metadata.progress === 100)).toHaveLength(1);
    const keys = chunks.map((c) => `${c.metadata.phase}:${c.metadata.chunk_order}`);
    const sorted = [...keys].sort();
    expect(keys).not.toEqual(sorted);
    for (const it of items) {
      expect(it).toMatchObject({
        id: expect.stringMatching(/^wamid\./),
        timestamp: expect.stringMatching(/^\d{10}$/),
        history_context: { status: expect.any(String) },
      });
    }
    const placeholders = items.filter((i) => i.type === 'media_placeholder');
    expect(placeholders.length).toBeGreaterThan(0);
    expect(new Set(items.map((i) => i.type)).size).toBeGreaterThan(2);
    const media = changes
      .filter((c) => Array.isArray(c.value.messages))
      .flatMap((c) => c.value.messages as Json[]);
    expect(media.length).toBeGreaterThan(0);
    for (const m of media) {
      expect(placeholders.map((p) => p.id)).toContain(m.id);
      const content = m[m.type];
      const meta = await graph(h.sb, content.id);
      expect(meta.body).toMatchObject({ id: content.id, mime_type: content.mime_type });
    }
    expect((await sync(h, 'history')).body.error.code).toBe(2593107);
  });

  it('sends error 2593109 when the owner declines history sharing', async () => {
    h = await harness();
    await h.sb.control.setHistorySharing(PNID, false);
    await sync(h, 'history');
    await h.sb.clock.advance(5000);
    const value = h.hub.changes('history')[0]!.value;
    expect(value.history).toEqual([
      {
        errors: [
          {
            code: 2593109,
            title: 'History sync is turned off by the business from the WhatsApp Business App',
            message: 'History sync is turned off by the business from the WhatsApp Business App',
            error_data: { details: 'History sharing is turned off by the business' },
          },
        ],
      },
    ]);
  });

  it('disconnects the number after 14 days without opening the app (PARTNER_REMOVED, PRIMARY_INACTIVITY)', async () => {
    h = await harness();
    await h.sb.clock.advance(13 * 86_400_000);
    await h.sb.control.openApp(PNID);
    await h.sb.clock.advance(13 * 86_400_000);
    expect(h.hub.changes('account_update')).toHaveLength(0);
    await h.sb.clock.advance(1 * 86_400_000 + 1);
    const change = h.hub.changes('account_update')[0]!;
    expect(change.entryId).toBe('102290129340398');
    expect(change.time).toEqual(expect.any(Number));
    expect(change.value).toEqual({
      phone_number: '15550783881',
      event: 'PARTNER_REMOVED',
      disconnection_info: { reason: 'PRIMARY_INACTIVITY', initiated_by: 'SYSTEM' },
    });
    const info = await graph(h.sb, `${PNID}?fields=is_on_biz_app,platform_type`);
    expect(info.body).toEqual({ is_on_biz_app: true, platform_type: 'NOT_APPLICABLE', id: PNID });
    const r = await graph(h.sb, `${PNID}/messages`, {
      body: {
        messaging_product: 'whatsapp',
        to: CUSTOMER,
        type: 'template',
        template: { name: 'hello_world', language: { code: 'en_US' } },
      },
    });
    expect(r.body.error.code).toBe(133010);
  });

  it('compresses the 14-day rule with the time factor', async () => {
    h = await harness({ timeFactor: 1000 });
    await h.sb.clock.advance((14 * 86_400_000) / 1000 + 1);
    expect(h.hub.changes('account_update')).toHaveLength(1);
  });

  it('offboards and reconnects, and the sync rules start over', async () => {
    h = await harness();
    await sync(h, 'smb_app_state_sync');
    await h.sb.control.offboard(PNID);
    await h.sb.control.reconnect(PNID);
    await h.sb.clock.advance(1000);
    expect(h.hub.changes('account_update').map((c) => c.value)).toEqual([
      { event: 'ACCOUNT_OFFBOARDED' },
      { event: 'ACCOUNT_RECONNECTED' },
    ]);
    expect((await sync(h, 'smb_app_state_sync')).status).toBe(200);
    expect((await graph(h.sb, `${PNID}?fields=is_on_biz_app,platform_type`)).body).toEqual({
      is_on_biz_app: true,
      platform_type: 'CLOUD_API',
      id: PNID,
    });
  });

  it('shows API-sent and phone-sent messages on the phone, and edit/revoke echoes', async () => {
    h = await harness();
    await h.sb.control.customerText(CUSTOMER, 'hi');
    const api = await graph(h.sb, `${PNID}/messages`, {
      body: { messaging_product: 'whatsapp', to: CUSTOMER, text: { body: 'from the hub' } },
    });
    const phone = await h.sb.control.ownerText(PNID, CUSTOMER, 'from the phone');
    await h.sb.control.ownerSends(PNID, CUSTOMER, {
      type: 'edit',
      edit: { original_message_id: phone.id, message: { type: 'text', text: { body: 'edited' } } },
    });
    await h.sb.control.ownerSends(PNID, CUSTOMER, {
      type: 'revoke',
      revoke: { original_message_id: api.body.messages[0].id },
    });
    await h.sb.control.ownerSends(PNID, CUSTOMER, { type: 'image', image: { caption: 'photo' } });
    await h.sb.idle();
    const chat = (await h.sb.control.chat(PNID, CUSTOMER)).data;
    expect(chat.map((m) => m.source)).toEqual(['customer', 'api', 'phone', 'phone', 'phone', 'phone']);
    expect(chat[2]!.content).toEqual({ body: 'edited' });
    expect(chat[1]!.revokedAt).not.toBeNull();
    const echoes = h.hub.items('message_echoes', 'smb_message_echoes');
    expect(echoes.map((e) => e.type)).toEqual(['text', 'edit', 'revoke', 'image']);
    expect(echoes[3]!.image).toMatchObject({
      caption: 'photo',
      mime_type: 'image/png',
      id: expect.any(String),
    });
  });
});
