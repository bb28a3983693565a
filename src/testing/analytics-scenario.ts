import type { Kysely } from 'kysely';
import { analyticsSubscriber } from '../analytics/analytics.subscriber.ts';
import type { DB } from '../database.ts';
import { newMessageRow } from '../messages/new-message-row.ts';
import type { Actor, DomainEvent } from '../platform/events/catalogue.ts';
import type { EventTables } from '../platform/events/event.table.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import { startSubscriberWorker } from '../platform/events/subscriber-worker.ts';
import { NUMBER, seedContact, seedConversation } from './seed.ts';

/**
 * A hand-written history for the analytics tests: each step writes what the hub's own paths write
 * (the message row, and the catalogue event at the step's time), so the fold sees the log exactly
 * as the hub records it, and `drain()` runs the real durable subscriber over it.
 */
export class AnalyticsScenario {
  private n = 0;
  private contacts = 0;
  constructor(
    private readonly db: Kysely<DB>,
    private readonly number = NUMBER,
  ) {}

  private event(event: DomainEvent, at: number) {
    return recordEvent(this.db, event, at);
  }

  private async message(
    conversation: string,
    at: number,
    row: {
      direction: 'inbound' | 'outbound';
      origin: string;
      author?: string | null;
      type?: string;
      content?: unknown;
    },
  ): Promise<string> {
    const id = `m-${conversation}-${++this.n}`;
    await this.db
      .insertInto('messages')
      .values(
        newMessageRow({
          id,
          phone_number_id: this.number,
          conversation_id: conversation,
          contact_id: `ct-${conversation}`,
          wamid: `wamid.${id}`,
          direction: row.direction,
          origin: row.origin as never,
          author_user_id: row.author ?? null,
          type: row.type ?? 'text',
          content_json: JSON.stringify(row.content ?? { body: id }),
          timestamp: at,
          received_at: at,
          status: row.direction === 'inbound' ? 'received' : 'sent',
        }),
      )
      .execute();
    return id;
  }

  /** A new conversation (with its contact), opened at `at`. */
  async open(conversation: string, at: number): Promise<void> {
    const waId = `1650555${String(++this.contacts).padStart(4, '0')}`;
    await seedContact(this.db as never, {
      id: `ct-${conversation}`,
      phone_number_id: this.number,
      wa_id: waId,
    });
    await seedConversation(this.db as never, {
      id: conversation,
      phone_number_id: this.number,
      contact_id: `ct-${conversation}`,
      created_at: at,
    });
    await this.event(
      {
        type: 'conversation.opened',
        phoneNumberId: this.number,
        payload: { conversation_id: conversation, contact_id: `ct-${conversation}` },
      },
      at,
    );
  }

  async customer(
    conversation: string,
    at: number,
    content?: { type: string; content: unknown },
  ): Promise<string> {
    const id = await this.message(conversation, at, {
      direction: 'inbound',
      origin: 'customer',
      ...(content ? { type: content.type, content: content.content } : {}),
    });
    await this.event(
      {
        type: 'message.received',
        phoneNumberId: this.number,
        payload: {
          message_id: id,
          conversation_id: conversation,
          contact_id: `ct-${conversation}`,
          wamid: `wamid.${id}`,
          content_type: content?.type ?? 'text',
        },
      },
      at,
    );
    return id;
  }

  async agent(conversation: string, at: number, userId: string): Promise<string> {
    const id = await this.message(conversation, at, {
      direction: 'outbound',
      origin: 'agent',
      author: userId,
    });
    await this.event(
      {
        type: 'message.sent',
        phoneNumberId: this.number,
        payload: {
          message_id: id,
          conversation_id: conversation,
          origin: 'agent',
          actor: { kind: 'user', id: userId },
        },
      },
      at,
    );
    return id;
  }

  async bot(conversation: string, at: number): Promise<string> {
    const id = await this.message(conversation, at, { direction: 'outbound', origin: 'bot' });
    await this.event(
      {
        type: 'message.sent',
        phoneNumberId: this.number,
        payload: { message_id: id, conversation_id: conversation, origin: 'bot', actor: null },
      },
      at,
    );
    return id;
  }

  /** The owner answered from the WhatsApp Business app (an echo). */
  async echo(conversation: string, at: number): Promise<string> {
    const id = await this.message(conversation, at, { direction: 'outbound', origin: 'business_app' });
    await this.event(
      {
        type: 'message.echoed',
        phoneNumberId: this.number,
        payload: {
          message_id: id,
          conversation_id: conversation,
          wamid: `wamid.${id}`,
          content_type: 'text',
        },
      },
      at,
    );
    return id;
  }

  async assign(
    conversation: string,
    at: number,
    toUser: string | null,
    from: string | null = null,
  ): Promise<void> {
    await this.event(
      {
        type: 'conversation.assigned',
        phoneNumberId: this.number,
        payload: {
          conversation_id: conversation,
          from_user_id: from,
          to_user_id: toUser,
          actor: { kind: 'system', id: 'routing' },
        },
      },
      at,
    );
  }

  async transfer(conversation: string, at: number, toTeam: string, toUser: string | null): Promise<void> {
    await this.event(
      {
        type: 'conversation.transferred',
        phoneNumberId: this.number,
        payload: {
          conversation_id: conversation,
          from_team_id: null,
          to_team_id: toTeam,
          from_user_id: null,
          to_user_id: toUser,
          actor: null,
        },
      },
      at,
    );
  }

  async resolve(
    conversation: string,
    at: number,
    actor: Actor | null = { kind: 'user', id: 'u-1' },
  ): Promise<void> {
    await this.event(
      {
        type: 'conversation.resolved',
        phoneNumberId: this.number,
        payload: { conversation_id: conversation, actor },
      },
      at,
    );
  }

  async reopen(
    conversation: string,
    at: number,
    actor: Actor | null = { kind: 'user', id: 'u-1' },
  ): Promise<void> {
    await this.event(
      {
        type: 'conversation.reopened',
        phoneNumberId: this.number,
        payload: { conversation_id: conversation, actor },
      },
      at,
    );
  }

  /** A status of an outbound message, with Meta's `pricing` when given. */
  async status(
    conversation: string,
    messageId: string,
    at: number,
    to: 'sent' | 'delivered' | 'read',
    pricing?: Record<string, unknown>,
  ): Promise<void> {
    if (pricing) {
      await this.db
        .updateTable('messages')
        .set({ pricing_json: JSON.stringify(pricing) })
        .where('id', '=', messageId)
        .execute();
    }
    await this.event(
      {
        type: 'message.status_changed',
        phoneNumberId: this.number,
        payload: { message_id: messageId, conversation_id: conversation, from: null, to },
      },
      at,
    );
  }

  /** Runs the analytics subscriber until it has passed every event. */
  async drain(now: number): Promise<void> {
    const worker = startSubscriberWorker({
      db: this.db as unknown as Kysely<EventTables>,
      subscribers: [analyticsSubscriber],
      clock: { now: () => now },
      autoStart: false,
      gapGraceMs: 0,
    });
    try {
      while ((await worker.runOnce()) > 0) {
        // until a pass handles nothing
      }
    } finally {
      await worker.stop();
    }
  }
}
