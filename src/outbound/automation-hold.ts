import type { Kysely } from 'kysely';
import type { DB } from '../database.ts';

/**
 * The coexistence handoff, as the send policy sees it: whether humans hold a conversation, so that
 * automated (bot and rule) messages may not go. Written once here and used by automation at enqueue
 * (`automation/control.ts`) and by the send policy at dispatch (`send-policy.ts`).
 *
 * A human reply is an outbound message written by a person: an agent in the inbox (`agent`), an API
 * call made with a user's token (`api` with an author), or the owner on the phone, which arrives as
 * an echo (`business_app`). Imported history never counts.
 */

/** Humans hold a conversation this long after their last reply unless a number says otherwise. */
export const DEFAULT_HUMAN_SILENCE_MS = 30 * 60_000;
/** The loop breaker's default: automated messages per conversation per hour. */
export const DEFAULT_LOOP_CAP_PER_HOUR = 20;

/** Why automation may not speak in a conversation. */
export type HoldReason = 'vip' | 'keep_with_humans' | 'human_control' | 'human_replied';

/** What the hold decision looks at. */
export type HoldFacts = {
  /** The conversation's control row (`conversation_control`), if any. */
  readonly control: {
    readonly mode: string;
    readonly since: number;
    readonly paused_until: number | null;
    readonly keep_with_humans: number;
    readonly handed_back_at: number | null;
  } | null;
  /** The latest human reply of the conversation: its order (`messages.seq`) and when the hub stored it. */
  readonly lastHuman: { readonly seq: number; readonly at: number } | null;
  readonly silenceMs: number;
  readonly vip: boolean;
};

export type Hold = { readonly held: true; readonly reason: HoldReason; readonly until: number | null };

/**
 * Whether humans hold the conversation at `now`, and until when. Each human reply holds it for the
 * number's silence after it; an explicit take over holds it from then (its `paused_until`, extended
 * by replies); "keep with humans" and VIP hold it with no end; a hand back (or resolve) releases what
 * came before it.
 */
export function humanHold(facts: HoldFacts, now: number): Hold | null {
  if (facts.vip) return { held: true, reason: 'vip', until: null };
  const control = facts.control;
  if (control && control.keep_with_humans === 1)
    return { held: true, reason: 'keep_with_humans', until: null };
  const released = control?.handed_back_at ?? Number.NEGATIVE_INFINITY;
  let until: number | null = null;
  if (facts.lastHuman && facts.lastHuman.at > released) until = facts.lastHuman.at + facts.silenceMs;
  if (control && control.mode === 'human' && control.since > released) {
    const takeover = control.paused_until ?? Number.POSITIVE_INFINITY;
    until = until === null ? takeover : Math.max(until, takeover);
  }
  if (until !== null && now < until) {
    return { held: true, reason: 'human_control', until: Number.isFinite(until) ? until : null };
  }
  return null;
}

/** What the send policy gets for an automated message at dispatch. */
export type AutomatedSendFacts = HoldFacts & {
  /** A human reply of the conversation was stored after this message was queued. */
  readonly humanRepliedSince: boolean;
  /**
   * Queued by the automation that handed the conversation to humans in the same transaction (a
   * flow's handoff message, `automated_sends.by_handoff`): the hold that handoff set lets it go.
   */
  readonly byHandoff?: boolean;
};

/**
 * The dispatch decision for an automated message: held by humans, or a human replied since. A
 * handoff's own message goes through the hold (a later take over cancels it while it is queued), but
 * never after a human reply nor to a VIP.
 */
export function automatedSendHold(facts: AutomatedSendFacts, now: number): Hold | null {
  if (facts.humanRepliedSince) return { held: true, reason: 'human_replied', until: null };
  const hold = humanHold(facts, now);
  if (hold && facts.byHandoff === true && hold.reason !== 'vip') return null;
  return hold;
}

type Db = Kysely<DB>;

/** The human-reply filter on `messages` (see the file comment). */
// biome-ignore lint/suspicious/noExplicitAny: Kysely's expression builder over an aliased join.
export function isHumanReply(eb: any, prefix = '') {
  return eb.and([
    eb(`${prefix}direction`, '=', 'outbound'),
    eb.or([
      eb(`${prefix}origin`, 'in', ['agent', 'business_app']),
      eb.and([eb(`${prefix}origin`, '=', 'api'), eb(`${prefix}author_user_id`, 'is not', null)]),
    ]),
  ]);
}

/** The latest human reply (order and time) of each conversation. */
export async function lastHumanReplies(
  db: Db,
  conversationIds: readonly string[],
): Promise<Map<string, { seq: number; at: number }>> {
  if (conversationIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('messages')
    .select([
      'conversation_id',
      (eb) => eb.fn.max('seq').as('seq'),
      (eb) => eb.fn.max('received_at').as('at'),
    ])
    .where('conversation_id', 'in', [...new Set(conversationIds)])
    .where((eb) => isHumanReply(eb))
    .groupBy('conversation_id')
    .execute();
  return new Map(rows.map((r) => [r.conversation_id, { seq: Number(r.seq), at: Number(r.at) }]));
}

/** Everything {@link humanHold} needs, for many conversations at once. */
export async function loadHoldFacts(
  db: Db,
  conversations: readonly { id: string; phoneNumberId: string; contactId: string }[],
): Promise<Map<string, HoldFacts>> {
  if (conversations.length === 0) return new Map();
  const ids = [...new Set(conversations.map((c) => c.id))];
  const numbers = [...new Set(conversations.map((c) => c.phoneNumberId))];
  const contacts = [...new Set(conversations.map((c) => c.contactId))];
  const [controls, settings, vips, humans] = await Promise.all([
    db.selectFrom('conversation_control').selectAll().where('conversation_id', 'in', ids).execute(),
    db
      .selectFrom('automation_settings')
      .select(['phone_number_id', 'human_silence_ms'])
      .where('phone_number_id', 'in', numbers)
      .execute(),
    db.selectFrom('vip_contacts').select('contact_id').where('contact_id', 'in', contacts).execute(),
    lastHumanReplies(db, ids),
  ]);
  const controlOf = new Map(controls.map((c) => [c.conversation_id, c]));
  const silenceOf = new Map(settings.map((s) => [s.phone_number_id, Number(s.human_silence_ms)]));
  const vip = new Set(vips.map((v) => v.contact_id));
  const out = new Map<string, HoldFacts>();
  for (const c of conversations) {
    const control = controlOf.get(c.id);
    out.set(c.id, {
      control: control
        ? {
            mode: control.mode,
            since: Number(control.since),
            paused_until: control.paused_until === null ? null : Number(control.paused_until),
            keep_with_humans: control.keep_with_humans,
            handed_back_at: control.handed_back_at === null ? null : Number(control.handed_back_at),
          }
        : null,
      lastHuman: humans.get(c.id) ?? null,
      silenceMs: silenceOf.get(c.phoneNumberId) ?? DEFAULT_HUMAN_SILENCE_MS,
      vip: vip.has(c.contactId),
    });
  }
  return out;
}

/**
 * The dispatch facts of the automated messages among claimed ones (`messages.origin = 'bot'`):
 * their conversation's hold and whether a human replied after each was queued.
 */
export async function loadAutomatedSendFacts(
  db: Db,
  messages: readonly {
    id: string;
    origin: string;
    seq: number;
    conversation_id: string;
    phone_number_id: string;
    contact_id: string;
  }[],
): Promise<Map<string, AutomatedSendFacts>> {
  const automated = messages.filter((m) => m.origin === 'bot');
  if (automated.length === 0) return new Map();
  const holds = await loadHoldFacts(
    db,
    automated.map((m) => ({
      id: m.conversation_id,
      phoneNumberId: m.phone_number_id,
      contactId: m.contact_id,
    })),
  );
  // A handoff's own message is asked about only where humans took the conversation (its control row).
  const held = automated.filter((m) => holds.get(m.conversation_id)?.control?.mode === 'human');
  const byHandoff =
    held.length === 0
      ? new Set<string>()
      : new Set(
          (
            await db
              .selectFrom('automated_sends')
              .select('message_id')
              .where(
                'message_id',
                'in',
                held.map((m) => m.id),
              )
              .where('by_handoff', '=', 1)
              .execute()
          ).map((r) => r.message_id),
        );
  const out = new Map<string, AutomatedSendFacts>();
  for (const m of automated) {
    const hold = holds.get(m.conversation_id);
    if (!hold) continue;
    out.set(m.id, {
      ...hold,
      humanRepliedSince: hold.lastHuman !== null && hold.lastHuman.seq > Number(m.seq),
      byHandoff: byHandoff.has(m.id),
    });
  }
  return out;
}
