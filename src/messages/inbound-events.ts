import type { Participant } from '../contacts/participant.ts';
import type { MessageContent } from './content.ts';

/*
 * What the Meta webhook parser (`meta-webhooks/parse/`) hands the messages feature: Meta's updates
 * in the hub's own types, timestamps in ms (null when Meta sent none; processors then use the
 * processing time). Stored-as-received extras (context, referral, errors, pricing) travel as
 * ready JSON text, because the hub keeps them verbatim.
 */

/** What a live customer message carries besides its content. */
export type InboundBody =
  | {
      readonly kind: 'content';
      /** `unsupported` (with Meta's type and object inside) for a type the hub does not model. */
      readonly content: MessageContent;
      /** For a `system` message announcing a new number: that number. */
      readonly newWaId: string | null;
      /** The `system.type`, for a `system` message. */
      readonly systemType: string | null;
    }
  | { readonly kind: 'reaction'; readonly target: string | null; readonly emoji: string }
  | { readonly kind: 'edit'; readonly target: string | null; readonly content: MessageContent }
  | { readonly kind: 'revoke'; readonly target: string | null };

/** A live message from a customer (`messages` field, `messages[]`). */
export type InboundMessage = {
  readonly wamid: string;
  readonly at: number | null;
  readonly from: Participant;
  readonly body: InboundBody;
  readonly contextWamid: string | null;
  readonly contextJson: string | null;
  readonly referralJson: string | null;
  readonly errorsJson: string | null;
};

/** What an echo carries besides its content. */
export type EchoBody =
  | { readonly kind: 'content'; readonly content: MessageContent }
  | { readonly kind: 'reaction'; readonly target: string | null; readonly emoji: string }
  | { readonly kind: 'edit'; readonly target: string | null; readonly content: MessageContent }
  | { readonly kind: 'revoke'; readonly target: string | null };

/** A message the business sent from the WhatsApp Business app (`smb_message_echoes`). */
export type EchoMessage = {
  readonly wamid: string;
  readonly at: number | null;
  /** `to` as sent: the user, unless the payload has from/to swapped (the processor checks). */
  readonly toPhone: string | null;
  /** The user if `to` is the user. */
  readonly to: Participant;
  /** The user if `from` is the user (swapped payloads). */
  readonly from: Participant;
  readonly body: EchoBody;
  readonly contextWamid: string | null;
  readonly contextJson: string | null;
  readonly errorsJson: string | null;
};

/** A delivery status of a message the business sent (`statuses[]`). */
export type StatusUpdate = {
  readonly wamid: string;
  /** As Meta spells it (`sent`, `delivered`, `read`, `played`, `failed`, …). */
  readonly status: string;
  readonly at: number | null;
  readonly recipientId: string | null;
  /** The recipient, when the status names their BSUID (to link it to the contact). */
  readonly recipient: Participant | null;
  /** `biz_opaque_callback_data`: the hub's message id, sent with the message. */
  readonly opaque: string | null;
  readonly errorsJson: string | null;
  readonly pricingJson: string | null;
  readonly conversationJson: string | null;
  /** The whole status as received (kept in the status log). */
  readonly rawJson: string;
};

/** One imported message of a history chunk. */
export type HistoryMessage = {
  readonly wamid: string;
  readonly at: number | null;
  /** The thread id: the user's phone number, or their BSUID. */
  readonly threadId: string;
  readonly fromPhone: string | null;
  readonly toPhone: string | null;
  /** `history_context.from_me` (some providers), used when `from` is absent. */
  readonly fromMe: boolean;
  /** `history_context.status`, lower-cased. */
  readonly historyStatus: string | null;
  /** A `media_placeholder` has an empty body; its media may follow as {@link HistoryMedia}. */
  readonly content: MessageContent;
  readonly contextWamid: string | null;
  readonly contextJson: string | null;
  readonly errorsJson: string | null;
};

/** The media of a history placeholder, sent afterwards. */
export type HistoryMedia = { readonly wamid: string; readonly content: MessageContent };

/** The progress of a history import, from one chunk's metadata. */
export type HistoryChunk = {
  readonly phase: number;
  readonly chunkOrder: number;
  readonly progress: number;
  readonly messageCount: number;
};

/** Errors of a history import (2593109: the business declined sharing). */
export type HistoryErrors = { readonly codes: readonly number[]; readonly errorsJson: string };
