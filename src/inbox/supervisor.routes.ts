import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import type { ConversationStatus } from '../conversations/conversation.table.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { iso } from '../platform/time.ts';
import { toApiUsers } from '../users/user.mapper.ts';
import { visibleUsers } from '../users/user.queries.ts';
import { ZSupervisorOverviewResponse } from './inbox.schemas.ts';

type Counts = Record<ConversationStatus, number>;
const zero = (): Counts => ({ open: 0, pending: 0, resolved: 0 });

/**
 * `GET /api/supervisor/overview`: conversation counts by status and by assignee, and each agent's
 * load (open conversations assigned to them) and presence, within the caller's business accounts.
 */
export function supervisorRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = deps.database.db;

    app.get(
      '/api/supervisor/overview',
      { schema: { response: { 200: ZSupervisorOverviewResponse, ...errorResponses } } },
      async (request) => {
        const principal = principalOf(request);
        const now = deps.clock.now();
        let q = db
          .selectFrom('conversations')
          .innerJoin('phone_numbers', 'phone_numbers.id', 'conversations.phone_number_id')
          .select([
            'conversations.status',
            'conversations.assignee_user_id',
            (eb) => eb.fn.countAll<number>().as('n'),
          ])
          .groupBy(['conversations.status', 'conversations.assignee_user_id']);
        if (principal.wabaIds !== null) {
          q = q.where(
            'phone_numbers.waba_id',
            'in',
            principal.wabaIds.length ? [...principal.wabaIds] : [''],
          );
        }
        const groups = await q.execute();
        const byStatus = zero();
        const byAssignee = new Map<string | null, Counts>();
        for (const g of groups) {
          const n = Number(g.n);
          byStatus[g.status] += n;
          const counts = byAssignee.get(g.assignee_user_id) ?? zero();
          counts[g.status] += n;
          byAssignee.set(g.assignee_user_id, counts);
        }
        const users = (await visibleUsers(db, principal)).filter(
          (u) => u.disabled_at === null && u.role !== 'auditor',
        );
        const api = await toApiUsers(db, users, now);
        return {
          generated_at: iso(now),
          by_status: byStatus,
          by_assignee: [...byAssignee.entries()]
            .map(([assignee_user_id, counts]) => ({ assignee_user_id, ...counts }))
            .sort((a, b) => (a.assignee_user_id ?? '').localeCompare(b.assignee_user_id ?? '')),
          agents: api.map((u) => ({
            id: u.id,
            name: u.name,
            role: u.role,
            team_ids: u.team_ids,
            presence: u.presence,
            load: byAssignee.get(u.id)?.open ?? 0,
            pending: byAssignee.get(u.id)?.pending ?? 0,
          })),
        };
      },
    );
  };
}
