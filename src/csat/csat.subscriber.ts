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

async function captureAnswer(trx: Kysely<DB>, event: StoredEvent<'message.received'>): Promise<void> {
  const message = await trx
    .selectFrom('messages')
    .select(['id', 'type', 'content_json', 'conversation_id', 'phone_number_id'])
    .where('id', '=', event.payload.message_id)
    .executeTakeFirst();
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
  const rated = await trx
    .selectFrom('csat_surveys')
    .selectAll()
    .where('conversation_id', '=', message.conversation_id)
    .where('rated_at', '>=', event.at - CSAT_COMMENT_WINDOW_MS)
    .where('comment', 'is', null)
    .orderBy('rated_at', 'desc')
    .executeTakeFirst();
  if (!rated) return;
  const body = parseJsonOr<{ body?: unknown }>(message.content_json, {}).body;
  if (typeof body !== 'string' || body.trim() === '') return;
  await trx
    .updateTable('csat_surveys')
    .set({ comment: body.slice(0, 2000) })
    .where('id', '=', rated.id)
    .execute();
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
});
