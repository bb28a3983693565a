import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { graph, harness, type Json, PNID } from '../testing/harness.ts';

type H = Awaited<ReturnType<typeof harness>>;

const HIDDEN = {
  waId: '16505557777',
  name: 'Maria',
  bsuid: 'US.13491208655302741918',
  parentBsuid: 'US.ENT.11815799212886844830',
  username: '@maria.lopez',
  phoneHidden: true,
};

describe('2026 identity fields: a customer known only by business-scoped user id', () => {
  let h: H;
  beforeEach(async () => {
    h = await harness({ customers: [HIDDEN, { waId: '16505551234', name: 'Ana', bsuid: 'US.111' }] });
  });
  afterEach(() => h.close());

  it('sends from_user_id and user_id, with no phone number anywhere', async () => {
    const { id } = await h.sb.control.customerText(HIDDEN.waId, 'hola');
    await h.sb.idle();
    const value = (h.hub.posts.at(-1)!.body as Json).entry[0].changes[0].value as Json;
    expect(value.contacts).toEqual([
      {
        profile: { name: 'Maria', username: '@maria.lopez' },
        user_id: HIDDEN.bsuid,
        parent_user_id: HIDDEN.parentBsuid,
      },
    ]);
    expect(value.messages).toEqual([
      {
        from_user_id: HIDDEN.bsuid,
        from_parent_user_id: HIDDEN.parentBsuid,
        id,
        timestamp: expect.stringMatching(/^\d+$/),
        type: 'text',
        text: { body: 'hola' },
      },
    ]);
    expect(JSON.stringify(h.hub.posts.at(-1)!.body)).not.toContain(HIDDEN.waId);
  });

  it('keeps wa_id and from for a customer whose number is visible', async () => {
    await h.sb.control.customerText('16505551234', 'hi');
    await h.sb.idle();
    const value = (h.hub.posts.at(-1)!.body as Json).entry[0].changes[0].value as Json;
    expect(value.contacts).toEqual([{ profile: { name: 'Ana' }, wa_id: '16505551234', user_id: 'US.111' }]);
    expect(value.messages[0].from).toBe('16505551234');
    expect(value.messages[0].from_user_id).toBeUndefined();
  });

  it('answers a send by recipient with user_id, and its statuses carry recipient_user_id only', async () => {
    await h.sb.control.customerText(HIDDEN.waId, 'hola');
    const res = await graph(h.sb, `${PNID}/messages`, {
      body: { messaging_product: 'whatsapp', recipient: HIDDEN.bsuid, text: { body: 'reply' } },
    });
    expect(res.body.contacts).toEqual([{ input: HIDDEN.bsuid, user_id: HIDDEN.bsuid }]);
    await h.sb.clock.advance(3000);
    const statuses = h.hub.items('statuses').filter((s) => s.id === res.body.messages[0].id);
    expect(statuses.map((s) => s.status)).toEqual(['sent', 'delivered', 'read']);
    for (const s of statuses) {
      expect(s.recipient_user_id).toBe(HIDDEN.bsuid);
      expect(s.recipient_id).toBeUndefined();
    }
  });

  it('addresses an owner echo to_user_id', async () => {
    await h.sb.control.ownerText(PNID, HIDDEN.waId, 'from the app');
    await h.sb.idle();
    const echo = h.hub.items('message_echoes')[0]!;
    expect(echo.to).toBeUndefined();
    expect(echo).toMatchObject({ to_user_id: HIDDEN.bsuid, to_parent_user_id: HIDDEN.parentBsuid });
  });
});
