import { type Expression, type SqlBool, sql } from 'kysely';

/**
 * Filters for `GET /api/conversations` owned by the accounts part, as plain SQL expressions over
 * the `conversations` table so that any query over it can use them:
 * `query.where(conversationHasLabel(label))`.
 */

/** Conversations carrying a label, named by its id or (case-insensitively) by its name. */
export function conversationHasLabel(label: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from conversation_labels cl join labels l on l.id = cl.label_id where cl.conversation_id = conversations.id and (l.id = ${label} or lower(l.name) = ${label.toLowerCase()}))`;
}

/**
 * `assignee=me|unassigned|none|<user id>` as a condition: `me` needs the caller's user id
 * (a token without a user matches nothing).
 */
export function conversationAssignedTo(assignee: string, callerUserId: string | null): Expression<SqlBool> {
  if (assignee === 'unassigned' || assignee === 'none')
    return sql<SqlBool>`conversations.assignee_user_id is null`;
  const userId = assignee === 'me' ? callerUserId : assignee;
  if (userId === null) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`conversations.assignee_user_id = ${userId}`;
}

/** Conversations of a team. */
export function conversationInTeam(teamId: string): Expression<SqlBool> {
  return sql<SqlBool>`conversations.team_id = ${teamId}`;
}
