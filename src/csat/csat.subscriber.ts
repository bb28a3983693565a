import type { Kysely, Transaction } from 'kysely';
import { csatAnswerOf } from '../analytics/analytics.repository.ts';
import { CSAT_COMMENT_WINDOW_MS } from '../analytics/metric-fold.ts';
import type { AppDeps } from '../app-deps.ts';
import { customerLanguage } from '../contacts/contact-language.ts';
import { isWindowOpen } from '../conversations/window.ts';
import { DEFAULT_RATE_CARD, loadRateCard } from '../costs/rate-card.ts';
import type { DB } from '../database.ts';
import { enqueueSend } from '../outbound/enqueue-send.ts';
import { prepareSend } from '../outbound/send-message.ts';
import { AppError } from '../platform/errors.ts';
import { recordEvent } from '../platform/events/record-event.ts';
import type { StoredEvent } from '../platform/events/subscriber.ts';
import { defineSubscriber } from '../platform/events/subscriber.ts';
import { newId } from '../platform/ids.ts';
import { parseJsonOr } from '../platform/json.ts';
import type { Language } from '../platform/languages.ts';
import type { CsatSurveyRow } from './csat.table.ts';

/** The survey's own words in each language; a question the business configured replaces `question`. */
export const SURVEY_TEXTS: Record<
  Language,
  { question: string; button: string; section: string; labels: string[] }
> = {
  en: {
    question: 'How would you rate our help? You can add a comment after choosing.',
    button: 'Rate',
    section: 'Your rating',
    labels: ['1 - Very poor', '2 - Poor', '3 - Okay', '4 - Good', '5 - Excellent'],
  },
  es: {
    question: '¿Cómo valorarías nuestra ayuda? Puedes añadir un comentario después de elegir.',
    button: 'Valorar',
    section: 'Tu valoración',
    labels: ['1 - Muy mala', '2 - Mala', '3 - Normal', '4 - Buena', '5 - Excelente'],
  },
  'pt-BR': {
    question: 'Como você avalia o nosso atendimento? Você pode deixar um comentário depois de escolher.',
    button: 'Avaliar',
    section: 'Sua avaliação',
    labels: ['1 - Muito ruim', '2 - Ruim', '3 - Regular', '4 - Bom', '5 - Excelente'],
  },
};

/** The survey: a list of 1-5 inside the window, else the configured template with five quick replies. */
function surveyContent(
  surveyId: string,
  input: {
    windowOpen: boolean;
    question: string | null;
    template: { name: string; language: string } | null;
    language: Language;
  },
): unknown | null {
  const texts = SURVEY_TEXTS[input.language];
  if (input.windowOpen) {
    return {
      type: 'interactive',
      interactive: {
        type: 'list',
        body: { text: input.question ?? texts.question },
        action: {
          button: texts.button,
          sections: [
            {
              title: texts.section,
              rows: [5, 4, 3, 2, 1].map((n) => ({
                id: `csat:${surveyId}:${n}`,
                title: texts.labels[n - 1] as string,
              })),
            },
          ],
        },
      },
    };
  }
  if (!input.template) return null;
  return {
    type: 'template',
    template: {
      name: input.template.name,
      language: input.template.language,
      // The template's five quick-reply buttons, in order 1 to 5, carry the rating back as their payload.
      components: [1, 2, 3, 4, 5].map((n, index) => ({
        type: 'button',
        sub_type: 'quick_reply',
        index: String(index),
        parameters: [{ type: 'payload', payload: `csat:${surveyId}:${n}` }],
      })),
    },
  };
}

async function sendSurvey(
  trx: Kysely<DB>,
  event: StoredEvent<'conversation.resolved'>,
  deps: AppDeps | undefined,
) {
  if (event.phoneNumberId === null) return;
  const settings = await trx
    .selectFrom('analytics_number_settings')
    .selectAll()
    .where('phone_number_id', '=', event.phoneNumberId)
    .executeTakeFirst();
  if (settings?.csat_enabled !== 1) return;
  const conversation = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', event.payload.conversation_id)
    .executeTakeFirst();
  if (!conversation) return;
  const already = await trx
    .selectFrom('csat_surveys')
    .select('id')
    .where('resolved_event_id', '=', event.id)
    .executeTakeFirst();
  if (already) return;
  const now = deps?.clock.now() ?? event.at;
  const surveyId = newId();
  const [contact, number] = await Promise.all([
    trx
      .selectFrom('contacts')
      .select(['wa_id', 'attributes_json'])
      .where('id', '=', conversation.contact_id)
      .executeTakeFirst(),
    trx
      .selectFrom('phone_numbers')
      .select('display_phone_number')
      .where('id', '=', conversation.phone_number_id)
      .executeTakeFirst(),
  ]);
  const content = surveyContent(surveyId, {
    language: customerLanguage({
      attributesJson: contact?.attributes_json,
      waId: contact?.wa_id,
      businessPhone: number?.display_phone_number,
    }),
    windowOpen: isWindowOpen(conversation, now),
    question: settings.csat_question,
    template:
      settings.csat_template_name && settings.csat_template_language
        ? { name: settings.csat_template_name, language: settings.csat_template_language }
        : null,
  });
  if (content === null) return;
  const rateCard = deps
    ? await loadRateCard({ db: trx, dataDir: deps.config.dataDir, now })
    : DEFAULT_RATE_CARD;
  let messageId: string;
  try {
    const sent = await enqueueSend(trx, {
      recipient: { conversationId: conversation.id },
      prepared: prepareSend(content),
      origin: 'bot',
      rateCard,
      now,
    });
    messageId = sent.message.id;
  } catch (error) {
    // The send policy refused (number disconnected, template not approved): no survey this time.
    if (error instanceof AppError) return;
    throw error;
  }
  const previous = await trx
    .selectFrom('csat_surveys')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('conversation_id', '=', conversation.id)
    .executeTakeFirst();
  const channel = content && (content as { type: string }).type === 'template' ? 'template' : 'interactive';
  await trx
    .insertInto('csat_surveys')
    .values({
      id: surveyId,
      conversation_id: conversation.id,
      phone_number_id: conversation.phone_number_id,
      cycle: Number(previous?.n ?? 0) + 1,
      message_id: messageId,
      channel,
      assignee_user_id: conversation.assignee_user_id,
      team_id: conversation.team_id,
      resolved_event_id: event.id,
      sent_at: now,
      rating: null,
      comment: null,
      rated_at: null,
      rating_message_id: null,
    })
    .execute();
  await recordEvent(
    trx,
    {
      type: 'csat.requested',
      phoneNumberId: conversation.phone_number_id,
      payload: {
        survey_id: surveyId,
        conversation_id: conversation.id,
        message_id: messageId,
        channel,
        assignee_user_id: conversation.assignee_user_id,
        team_id: conversation.team_id,
      },
    },
    now,
  );
  deps?.signals.emit('outbox', conversation.phone_number_id);
}

const ANSWER_COLUMNS = ['id', 'type', 'content_json', 'conversation_id', 'phone_number_id'] as const;

function readMessages(trx: Kysely<DB>, ids: readonly string[]) {
  return trx
    .selectFrom('messages')
    .select(ANSWER_COLUMNS)
    .where('id', 'in', [...ids])
    .execute();
}

type AnswerMessage = Awaited<ReturnType<typeof readMessages>>[number];

/** Rated surveys of a conversation without a comment, rated at `since` or later, the latest first. */
function ratedSince(trx: Kysely<DB>, conversationIds: readonly string[], since: number) {
  return trx
    .selectFrom('csat_surveys')
    .selectAll()
    .where('conversation_id', 'in', [...conversationIds])
    .where('rated_at', '>=', since)
    .where('comment', 'is', null)
    .orderBy('rated_at', 'desc')
    .execute();
}

/**
 * What a slice reads once for its customer messages instead of once each: the messages (this
 * subscriber never changes them), and for its text messages' conversations the surveys awaiting a
 * comment (rated within the window of the slice's earliest text). The surveys are the one thing the
 * slice itself changes (a rating, a comment, a new survey): a conversation whose surveys the slice
 * has written is read afresh for its later messages (`changed`).
 */
type CsatSlice = {
  readonly messages: ReadonlyMap<string, AnswerMessage>;
  readonly awaitingComment: ReadonlyMap<string, readonly CsatSurveyRow[]>;
  readonly changed: Set<string>;
};

async function csatSlice(trx: Kysely<DB>, events: readonly CsatEvent[]): Promise<CsatSlice> {
  const received = events.filter((e): e is StoredEvent<'message.received'> => e.type === 'message.received');
  const ids = [...new Set(received.map((e) => e.payload.message_id))];
  const messages = new Map(ids.length > 0 ? (await readMessages(trx, ids)).map((m) => [m.id, m]) : []);
  const texts = received.filter((e) => messages.get(e.payload.message_id)?.type === 'text');
  const awaitingComment = new Map<string, CsatSurveyRow[]>();
  if (texts.length > 0) {
    const conversationIds = [
      ...new Set(texts.map((e) => (messages.get(e.payload.message_id) as AnswerMessage).conversation_id)),
    ];
    const since = Math.min(...texts.map((e) => e.at)) - CSAT_COMMENT_WINDOW_MS;
    for (const row of await ratedSince(trx, conversationIds, since)) {
      const rows = awaitingComment.get(row.conversation_id) ?? [];
      rows.push(row);
      awaitingComment.set(row.conversation_id, rows);
    }
  }
  return { messages, awaitingComment, changed: new Set() };
}

async function captureAnswer(
  trx: Kysely<DB>,
  event: StoredEvent<'message.received'>,
  slice?: CsatSlice,
): Promise<void> {
  const message =
    slice?.messages.get(event.payload.message_id) ?? (await readMessages(trx, [event.payload.message_id]))[0];
  if (!message) return;
  const answer = csatAnswerOf(message.type, message.content_json);
  if (answer) {
    const survey = await trx
      .selectFrom('csat_surveys')
      .selectAll()
      .where('id', '=', answer.surveyId)
      .where('conversation_id', '=', message.conversation_id)
      .executeTakeFirst();
    if (!survey || survey.rating !== null) return;
    await trx
      .updateTable('csat_surveys')
      .set({ rating: answer.rating, rated_at: event.at, rating_message_id: message.id })
      .where('id', '=', survey.id)
      .execute();
    slice?.changed.add(survey.conversation_id);
    await recordEvent(
      trx,
      {
        type: 'csat.rated',
        phoneNumberId: message.phone_number_id,
        payload: {
          survey_id: survey.id,
          conversation_id: survey.conversation_id,
          rating: answer.rating,
          assignee_user_id: survey.assignee_user_id,
          team_id: survey.team_id,
        },
      },
      event.at,
    );
    return;
  }
  if (message.type !== 'text') return;
  // The first text within 30 minutes of a rating is its comment.
  const since = event.at - CSAT_COMMENT_WINDOW_MS;
  const rated =
    slice && !slice.changed.has(message.conversation_id)
      ? slice.awaitingComment.get(message.conversation_id)?.find((r) => Number(r.rated_at) >= since)
      : (await ratedSince(trx, [message.conversation_id], since))[0];
  if (!rated) return;
  const body = parseJsonOr<{ body?: unknown }>(message.content_json, {}).body;
  if (typeof body !== 'string' || body.trim() === '') return;
  await trx
    .updateTable('csat_surveys')
    .set({ comment: body.slice(0, 2000) })
    .where('id', '=', rated.id)
    .execute();
  slice?.changed.add(rated.conversation_id);
  await recordEvent(
    trx,
    {
      type: 'csat.commented',
      phoneNumberId: message.phone_number_id,
      payload: { survey_id: rated.id, conversation_id: rated.conversation_id },
    },
    event.at,
  );
}

type CsatEvent = StoredEvent<'conversation.resolved' | 'message.received'>;

/**
 * CSAT: after each resolution (of a number with CSAT on), a 1-5 survey through the one send path,
 * as an interactive list while the window is open or the configured template otherwise; and the
 * customer's answer (the list or quick-reply id `csat:<survey>:<rating>`) and comment, captured
 * from the inbound messages. One survey per resolution event (keyed on its id).
 */
export const csatSubscriber = defineSubscriber({
  name: 'csat.surveys',
  types: ['conversation.resolved', 'message.received'],
  from: 'now',
  async handle(trx: Transaction<DB>, event, context) {
    const deps = context as AppDeps | undefined;
    if (event.type === 'conversation.resolved') await sendSurvey(trx, event, deps);
    else await captureAnswer(trx, event);
  },
  // Every customer message comes here: a slice reads its messages and the surveys awaiting their
  // comment once (`csatSlice`), then handles its events in order as `handle` does.
  async handleBatch(trx: Transaction<DB>, events, context) {
    const deps = context as AppDeps | undefined;
    const slice = await csatSlice(trx, events);
    for (const event of events) {
      if (event.type === 'conversation.resolved') {
        await sendSurvey(trx, event, deps);
        slice.changed.add(event.payload.conversation_id);
      } else await captureAnswer(trx, event, slice);
    }
  },
});
