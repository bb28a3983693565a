import { describe, expect, it } from 'vitest';
import { toApiMessage } from './message.mapper.ts';
import type { MessageRow } from './message.table.ts';

const T = Date.UTC(2026, 10, 25, 9, 0, 0);

const row = (over: Partial<MessageRow> = {}): MessageRow => ({
  id: 'm1',
  phone_number_id: 'p1',
  conversation_id: 'c1',
  contact_id: 'k1',
  wamid: 'wamid.1',
  direction: 'inbound',
  origin: 'customer',
  author_user_id: null,
  type: 'text',
  content_json: '{"body":"hi"}',
  edited_content_json: null,
  edited_at: null,
  deleted_at: null,
  context_wamid: null,
  context_json: null,
  referral_json: null,
  errors_json: null,
  timestamp: T,
  seq: 1,
  received_at: T,
  status: 'received',
  status_at: null,
  status_rank: 0,
  error_json: null,
  pricing_json: null,
  reactions_json: '{}',
  history_status: null,
  biz_opaque_callback_data: null,
  webhook_event_id: null,
  ...over,
});

describe('toApiMessage', () => {
  it('marks forwarded messages and keeps a deleted message’s content for audit', () => {
    const m = toApiMessage(row({ context_json: '{"forwarded":true}', deleted_at: T + 1 }));
    expect(m.context).toEqual({ wamid: null, message_id: null, forwarded: true });
    expect(m.deleted_at).toBe(new Date(T + 1).toISOString());
    expect(m.content).toEqual({ body: 'hi' });
  });

  it('reports the first of Meta’s errors on an unsupported inbound message', () => {
    const m = toApiMessage(
      row({
        type: 'unsupported',
        errors_json: JSON.stringify([
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            error_data: { details: 'x' },
          },
        ]),
      }),
    );
    expect(m.error).toEqual({ code: 131051, title: 'Message type unknown', message: 'x' });
  });

  it('drops removed reactions and survives corrupt JSON columns', () => {
    const m = toApiMessage(
      row({
        reactions_json: JSON.stringify({
          customer: { emoji: '', wamid: 'w', at: T },
          business: { emoji: '❤️', wamid: 'w2', at: T },
        }),
        pricing_json: '{not json',
        content_json: 'also not json',
      }),
    );
    expect(m.reactions).toEqual([
      { from: 'business', emoji: '❤️', wamid: 'w2', at: new Date(T).toISOString() },
    ]);
    expect(m.pricing).toBeNull();
    expect(m.content).toEqual({});
  });

  it('names an agent author when given, and still identifies one that is not', () => {
    expect(
      toApiMessage(row({ origin: 'agent', author_user_id: 'u1' }), { id: 'u1', name: 'Marta' }).author,
    ).toEqual({
      id: 'u1',
      name: 'Marta',
    });
    expect(toApiMessage(row({ origin: 'agent', author_user_id: 'u1' })).author).toEqual({
      id: 'u1',
      name: null,
    });
  });
});
