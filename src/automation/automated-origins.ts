import type { Kysely } from 'kysely';
import type { Principal } from '../auth/principal.ts';
import type { DB } from '../database.ts';
import { conversationFor } from '../inbox/conversation-access.ts';
import type { ApiAutomatedOrigin } from './automation.schemas.ts';

const OUT_OF_HOURS_REF = 'business_hours';
const RUN_REF = /^run:([^/]+)\/step:(.+)$/;

/**
 * Where each automated message of a conversation came from, for the timeline's origin label: a
 * bot flow (its name, version and step) or a rule (its name; the out-of-hours reply is the
 * business hours' own). Read from `automated_sends`, which `sendAutomated` writes with the message.
 */
export async function automatedOriginsOf(
  db: Kysely<DB>,
  principal: Principal,
  conversationId: string,
): Promise<ApiAutomatedOrigin[]> {
  await conversationFor(db, principal, conversationId);
  const sends = await db
    .selectFrom('automated_sends')
    .select(['message_id', 'origin', 'origin_ref', 'cancel_reason'])
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .execute();
  const runIds = new Set<string>();
  const ruleIds = new Set<string>();
  for (const s of sends) {
    const run = RUN_REF.exec(s.origin_ref);
    if (s.origin === 'bot' && run?.[1]) runIds.add(run[1]);
    else if (s.origin === 'rule' && s.origin_ref !== OUT_OF_HOURS_REF) ruleIds.add(s.origin_ref);
  }
  const runs = new Map(
    (runIds.size
      ? await db
          .selectFrom('flow_sessions')
          .innerJoin('flows', 'flows.id', 'flow_sessions.flow_id')
          .select(['flow_sessions.id', 'flows.id as flow_id', 'flows.name', 'flow_sessions.version'])
          .where('flow_sessions.id', 'in', [...runIds])
          .execute()
      : []
    ).map((r) => [r.id, r]),
  );
  const rules = new Map(
    (ruleIds.size
      ? await db
          .selectFrom('automation_rules')
          .select(['id', 'name'])
          .where('id', 'in', [...ruleIds])
          .execute()
      : []
    ).map((r) => [r.id, r.name]),
  );
  return sends.map((s): ApiAutomatedOrigin => {
    if (s.origin === 'bot') {
      const match = RUN_REF.exec(s.origin_ref);
      const run = match?.[1] ? runs.get(match[1]) : undefined;
      return {
        message_id: s.message_id,
        kind: 'flow',
        id: run?.flow_id ?? null,
        name: run ? `${run.name} v${run.version}` : 'a flow',
        step_id: match?.[2] ?? null,
        cancel_reason: s.cancel_reason,
      };
    }
    const outOfHours = s.origin_ref === OUT_OF_HOURS_REF;
    return {
      message_id: s.message_id,
      kind: 'rule',
      id: outOfHours ? null : s.origin_ref,
      name: outOfHours ? 'Out-of-hours reply' : (rules.get(s.origin_ref) ?? 'a deleted rule'),
      step_id: null,
      cancel_reason: s.cancel_reason,
    };
  });
}
