import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { AppError } from '../platform/errors.ts';
import type { CampaignMark } from './campaigns.schemas.ts';

/**
 * The campaign marks of a conversation's messages, for the inbox: each campaign message with its
 * campaign, and each customer reply the `campaigns.replies` subscriber attributed to a campaign.
 */
export async function conversationCampaignMarks(
  db: Kysely<DB>,
  input: { principal: Principal; conversationId: string },
): Promise<CampaignMark[]> {
  const conversation = await db
    .selectFrom('conversations as v')
    .innerJoin('phone_numbers as n', 'n.id', 'v.phone_number_id')
    .select(['v.id', 'n.waba_id'])
    .where('v.id', '=', input.conversationId)
    .executeTakeFirst();
  const wabas = input.principal.wabaIds;
  if (!conversation || (wabas !== null && !wabas.includes(conversation.waba_id))) {
    throw new AppError('NOT_FOUND', 'No such conversation.');
  }
  const rows = await db
    .selectFrom('campaign_recipients as r')
    .innerJoin('campaigns as c', 'c.id', 'r.campaign_id')
    .innerJoin('messages as m', (j) =>
      j.on((eb) =>
        eb.or([eb('m.id', '=', eb.ref('r.message_id')), eb('m.id', '=', eb.ref('r.reply_message_id'))]),
      ),
    )
    .select(['m.id as message_id', 'r.message_id as sent_id', 'c.id as campaign_id', 'c.name'])
    .where('m.conversation_id', '=', input.conversationId)
    .execute();
  return rows.map((r) => ({
    message_id: r.message_id,
    campaign_id: r.campaign_id,
    campaign_name: r.name,
    kind: r.message_id === r.sent_id ? ('sent' as const) : ('reply' as const),
  }));
}
