import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CUSTOMER, graph, harness, type Json, PNID, send } from './testing/harness.ts';

const FIXTURES = new URL('../fixtures/meta/', import.meta.url).pathname;
const fixture = (name: string): Json => JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as Json;

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Every path with its JSON type: `entry[].changes[].value.messages[].text.body:string`. */
function shape(v: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) {
    for (const item of v) shape(item, `${prefix}[]`, out);
  } else if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const path = prefix ? `${prefix}.${k}` : k;
      out.add(`${path}:${kind(child)}`);
      shape(child, path, out);
    }
  }
  return out;
}

/** The emitted body has every path of the fixture, and nothing beyond it except `extras` (prefix match). */
function expectShape(emitted: unknown, fixtureBody: unknown, extras: string[] = []): void {
  const got = shape(emitted);
  const want = shape(fixtureBody);
  expect([...want].filter((p) => !got.has(p))).toEqual([]);
  expect([...got].filter((p) => !want.has(p) && !extras.some((e) => p.startsWith(e)))).toEqual([]);
}

/** The first received POST body that has a change of `field`. */
type H = Awaited<ReturnType<typeof harness>>;
function bodyWith(h: H, field: string, pick: (b: Json) => boolean = () => true): Json {
  const post = h.hub.posts.find(
    (p) =>
      (p.body.entry as Json[]).some((e) => (e.changes as Json[]).some((c) => c.field === field)) &&
      pick(p.body),
  );
  if (!post) throw new Error(`no ${field} webhook`);
  return post.body;
}

describe('contract: what the sandbox emits matches the fixtures in fixtures/meta', () => {
  let h: H;
  beforeEach(async () => {
    h = await harness({
      customers: [
        {
          waId: CUSTOMER,
          name: 'Pablo Morales',
          bsuid: 'US.13491208655302741918',
          parentBsuid: 'US.ENT.11815799212886844830',
        },
        // Recipients of the fixtures below: configured, so sends to them are not 131026.
        { waId: '16505550077', name: 'Ana Ruiz' },
      ],
      webhooks: { maxBatch: 1, concurrency: 1, timeoutMs: 5000 },
    });
  });
  afterEach(() => h.close());

  const inbound: [string, Json][] = [
    ['messages_text.json', { type: 'text', text: { body: 'Body Text' } }],
    ['messages_image.json', { type: 'image', image: {} }],
    ['messages_audio_voice.json', { type: 'audio', audio: { voice: true } }],
    [
      'messages_location.json',
      {
        type: 'location',
        context: { forwarded: true },
        location: {
          latitude: 37.46,
          longitude: -122.21,
          name: 'Facebook HQ',
          address: '1 Hacker Way',
          url: 'https://maps.google.com/?cid=1',
        },
      },
    ],
    ['messages_reaction.json', { type: 'reaction', reaction: { message_id: 'wamid.x', emoji: '😮' } }],
    ['messages_unsupported.json', { type: 'unsupported' }],
    [
      'messages_button_quick_reply.json',
      {
        type: 'button',
        context: { from: '15550783881', id: 'wamid.x' },
        button: { payload: 'callback_data', text: 'title' },
      },
    ],
  ];
  it.each(inbound)('%s', async (name, message) => {
    await h.sb.control.customerSends(CUSTOMER, message);
    await h.sb.idle();
    // Media webhooks carry `url` since Nov 2025 (optional, rolled out gradually; cloud-api.md §1.7).
    expectShape(bodyWith(h, 'messages'), fixture(name), ['entry[].changes[].value.messages[].audio.url']);
  });

  it.each([
    [
      'messages_interactive_button_reply.json',
      {
        type: 'interactive',
        context: { from: '15550783881', id: 'wamid.x' },
        interactive: { type: 'button_reply', button_reply: { id: 'change-button', title: 'Change' } },
      },
    ],
    [
      'messages_interactive_list_reply.json',
      {
        type: 'interactive',
        context: { from: '15550783881', id: 'wamid.x' },
        interactive: {
          type: 'list_reply',
          list_reply: { id: 'p', title: 'Priority', description: 'Next day' },
        },
      },
    ],
  ] as [string, Json][])('%s (customer without BSUID)', async (name, message) => {
    await h.sb.control.customerSends('16505550077', message, { name: 'Pablo Morales' });
    await h.sb.idle();
    expectShape(bodyWith(h, 'messages'), fixture(name));
  });

  it('smb_message_echoes.json and smb_message_echoes_revoke.json', async () => {
    const plain = await h.sb.control.ownerText(PNID, '16505550077', 'Here is the info');
    await h.sb.idle();
    expectShape(bodyWith(h, 'smb_message_echoes'), fixture('smb_message_echoes.json'));
    await h.sb.control.ownerSends(PNID, '16505550077', {
      type: 'revoke',
      revoke: { original_message_id: plain.id },
    });
    const withBsuid = await h.sb.control.ownerText(PNID, CUSTOMER, 'x');
    await h.sb.control.ownerSends(PNID, CUSTOMER, {
      type: 'revoke',
      revoke: { original_message_id: withBsuid.id },
    });
    await h.sb.idle();
    const revoke = h.hub.posts
      .map((p) => p.body)
      .filter((b) => JSON.stringify(b).includes('"revoke"') && JSON.stringify(b).includes('user_id'))[0];
    expectShape(revoke, fixture('smb_message_echoes_revoke.json'));
  });

  it('smb_app_state_sync.json', async () => {
    await graph(h.sb, `${PNID}/smb_app_data`, {
      body: { messaging_product: 'whatsapp', sync_type: 'smb_app_state_sync' },
    });
    await h.sb.clock.advance(1000);
    expectShape(bodyWith(h, 'smb_app_state_sync'), fixture('smb_app_state_sync.json'));
  });

  it('history.json, history_declined.json and smb_app_data_response.json', async () => {
    const res = await graph(h.sb, `${PNID}/smb_app_data`, {
      body: { messaging_product: 'whatsapp', sync_type: 'history' },
    });
    expectShape(res.body, fixture('smb_app_data_response.json'));
    await h.sb.clock.advance(60_000);
    const chunk = bodyWith(h, 'history', (b) => JSON.stringify(b).includes('"threads"'));
    expectShape(chunk, fixture('history.json'), [
      'entry[].changes[].value.history[].threads[].messages[].to',
      'entry[].changes[].value.history[].threads[].messages[].location',
      'entry[].changes[].value.history[].threads[].messages[].contacts',
    ]);
    const other = await harness();
    await other.sb.control.setHistorySharing(PNID, false);
    await graph(other.sb, `${PNID}/smb_app_data`, {
      body: { messaging_product: 'whatsapp', sync_type: 'history' },
    });
    await other.sb.clock.advance(5000);
    expectShape(other.hub.changes('history')[0]!.value, fixture('history_declined.json'));
    await other.close();
  });

  it('account_update_partner_removed.json and account_update_account_offboarded.json', async () => {
    await h.sb.control.disconnect(PNID, 'PRIMARY_INACTIVITY', 'SYSTEM');
    await h.sb.control.reconnect(PNID);
    await h.sb.control.offboard(PNID);
    await h.sb.idle();
    expectShape(
      bodyWith(h, 'account_update', (b) => JSON.stringify(b).includes('PARTNER_REMOVED')),
      fixture('account_update_partner_removed.json'),
    );
    expectShape(
      bodyWith(h, 'account_update', (b) => JSON.stringify(b).includes('ACCOUNT_OFFBOARDED')),
      fixture('account_update_account_offboarded.json'),
    );
  });

  it('template_status_update_approved.json', async () => {
    await graph(h.sb, '102290129340398/message_templates', {
      body: {
        name: 'order_update',
        category: 'UTILITY',
        language: 'en_US',
        components: [{ type: 'BODY', text: 'Your order {{1}} shipped.' }],
      },
    });
    await h.sb.clock.advance(5000);
    expectShape(
      bodyWith(h, 'message_template_status_update'),
      fixture('template_status_update_approved.json'),
    );
  });

  it('status_sent_pmp_marketing.json (v23 keeps the conversation object), send_message_response.json', async () => {
    const res = await send(
      h.sb,
      {
        type: 'template',
        template: {
          name: 'seasonal_promo',
          language: { code: 'en_US' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: 'Sale' }] },
            { type: 'body', parameters: ['a', 'b', 'c'].map((text) => ({ type: 'text', text })) },
            { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'x' }] },
          ],
        },
      },
      '+16505550077',
    );
    expectShape(res.body, fixture('send_message_response.json'), ['messages[].message_status']);
    await h.sb.clock.advance(100);
    expectShape(
      bodyWith(h, 'messages', (b) => JSON.stringify(b).includes('"sent"')),
      fixture('status_sent_pmp_marketing.json'),
    );
  });

  it('error_131047_status_error_object.json and error_130429.json', async () => {
    await send(h.sb, { text: { body: 'no window' } }, '16505550077');
    await h.sb.clock.advance(1000);
    const failed = h.hub.items('statuses').find((s) => s.status === 'failed')!;
    expectShape((failed.errors as Json[])[0], fixture('error_131047_status_error_object.json'));
    let limited: Json | undefined;
    for (let i = 0; i < 25 && !limited; i++) {
      const r = await send(
        h.sb,
        { type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } },
        `1650555${1000 + i}`,
      );
      if (r.body.error) limited = r.body;
    }
    expectShape(limited, fixture('error_130429.json'));
    expect(limited!.error.code).toBe(130429);
  });

  it('phone_number_coexistence_status.json', async () => {
    const res = await graph(h.sb, `${PNID}?fields=is_on_biz_app,platform_type`);
    expect(res.body).toEqual(fixture('phone_number_coexistence_status.json'));
  });
});
