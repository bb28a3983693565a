import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { errorBody } from '../errors.ts';

/** What the health routes read (the platform knows no feature, so not `AppDeps`). */
export type HealthDeps<Schema> = { readonly database: Database<Schema>; readonly config: Config };

/** Whether the database answered a trivial query within `withinMs`. */
async function databaseAnswers<Schema>(deps: HealthDeps<Schema>, withinMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), withinMs);
  });
  const answered = sql`select 1`
    .execute(deps.database.db)
    .then(() => true)
    .catch(() => false);
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `GET /healthz`: liveness, 200 while the process serves HTTP (restart it when this fails).
 * `GET /readyz`: readiness, 200 when the database answers within the connect timeout, otherwise 503
 * `DATABASE_UNAVAILABLE` (take the node out of rotation; it recovers by itself when the database does).
 */
export function healthRoutes<Schema>(deps: HealthDeps<Schema>): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', async () => ({ ok: true }));
    app.get('/readyz', async (_request, reply) => {
      if (await databaseAnswers(deps, deps.config.databaseTimeouts.connectMs)) {
        return reply.code(200).send({ ok: true, database: 'up' });
      }
      return reply.code(503).send(errorBody('DATABASE_UNAVAILABLE', 'The database does not answer.'));
    });
  };
}
