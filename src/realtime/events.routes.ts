import { once } from 'node:events';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { authenticate } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { principalOf } from '../auth/principal.ts';
import { visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import type { DomainEventRow } from '../platform/events/event.table.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { createGapWatch, eventVisible, readEventsAfter, sseFrame, toApiEvent } from './event.queries.ts';
import { ZEventsRequest, ZEventsResponses } from './events.schemas.ts';
import { createRealtimeHub, type RealtimeHub } from './realtime-hub.ts';

const BATCH = 500;

async function visibleSet(deps: AppDeps, principal: Principal): Promise<ReadonlySet<string> | null> {
  const ids = await visibleNumberIds(deps.database.db, principal);
  return ids === null ? null : new Set(ids);
}

/**
 * `GET /api/events`: the realtime stream (server-sent events) of domain events the caller may see.
 * Resumes after `Last-Event-ID` (header) or `?last_event_id=`; without either it starts at the
 * newest event. `GET /api/events?since=<id>` answers with JSON instead, for clients without SSE.
 */
export function eventsRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const ownHub = deps.realtime
      ? null
      : createRealtimeHub({
          database: deps.database,
          signals: deps.signals,
          logger: deps.logger,
          now: () => deps.clock.now(),
        });
    const hub: RealtimeHub = deps.realtime ?? (ownHub as RealtimeHub);
    const streams = new Set<() => void>();

    app.addHook('preClose', async () => {
      for (const end of [...streams]) end();
    });
    app.addHook('onClose', async () => {
      ownHub?.close();
    });

    app.get(
      '/api/events',
      { schema: { querystring: ZEventsRequest, response: { 200: ZEventsResponses, ...errorResponses } } },
      async (request, reply) => {
        const { db } = deps.database;
        let principal = principalOf(request);

        if (request.query.since !== undefined) {
          const batch = await readEventsAfter(db, {
            afterId: Number(request.query.since),
            limit: request.query.limit,
            now: deps.clock.now(),
            gapGraceMs: hub.live.gapGraceMs,
          });
          const visible = await visibleSet(deps, principal);
          return {
            data: batch.events.filter((e) => eventVisible(visible, e)).map(toApiEvent),
            last_event_id: String(batch.lastId),
          };
        }

        const header = request.headers['last-event-id'];
        const resume =
          (typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined) ??
          request.query.last_event_id;
        if (resume !== undefined && !/^\d{1,15}$/.test(resume)) {
          throw new AppError('VALIDATION_FAILED', 'Last-Event-ID must be an event id.');
        }
        let lastId = resume !== undefined ? Number(resume) : await hub.live.ready();
        // A stream stays at one gap across reads, so it can tell an open transaction from a lost id.
        const gaps = createGapWatch(db);

        const raw = reply.raw;
        reply.hijack();
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          // A stream is never followed by another request on its connection; closing lets shutdown finish at once.
          connection: 'close',
          'x-accel-buffering': 'no',
        });
        raw.write(`retry: 2000\n: connected at ${lastId}\n\n`);

        let closed = false;
        let running = false;
        let again = false;
        let retryTimer: NodeJS.Timeout | null = null;

        const write = async (chunk: string) => {
          if (closed) return;
          if (!raw.write(chunk)) await Promise.race([once(raw, 'drain'), once(raw, 'close')]);
        };

        /**
         * Sends what the stream has not sent yet: from the live subscriber's memory when it reaches
         * back far enough (one read of the log for every stream on this node), otherwise by reading
         * the log itself (a stream resuming from an old id) until it has caught up.
         */
        const pump = async (): Promise<void> => {
          if (closed) return;
          if (running) {
            again = true;
            return;
          }
          running = true;
          try {
            do {
              again = false;
              await hub.live.ready();
              while (!closed && lastId < hub.live.position()) {
                const recent = hub.live.eventsAfter(lastId);
                let events: DomainEventRow[];
                let next: number;
                let visible: ReadonlySet<string> | null;
                if (recent) {
                  events = recent;
                  next = hub.live.position();
                  visible = events.length > 0 ? await hub.visibleNumbers(principal) : null;
                } else {
                  const batch = await readEventsAfter(db, {
                    afterId: lastId,
                    limit: BATCH,
                    now: deps.clock.now(),
                    gapGraceMs: hub.live.gapGraceMs,
                    gaps,
                  });
                  events = batch.events;
                  next = batch.lastId;
                  // Read the visible numbers after the events: a number created in the same
                  // transaction as its first event is then certain to be known.
                  visible = events.length > 0 ? await visibleSet(deps, principal) : null;
                  if (batch.stalled && next === lastId) {
                    // An open transaction holds the next id; look again soon even if nothing wakes us.
                    if (!retryTimer && !closed) {
                      retryTimer = setTimeout(() => {
                        retryTimer = null;
                        void pump();
                      }, hub.live.pollMs);
                    }
                    break;
                  }
                }
                // One write per batch: a socket write per event per stream adds up across streams.
                let chunk = '';
                for (const row of events) {
                  if (row.id > lastId && eventVisible(visible, row)) chunk += sseFrame(row);
                }
                if (closed) return;
                if (chunk !== '') await write(chunk);
                lastId = Math.max(lastId, next);
              }
            } while (again && !closed);
          } catch (error) {
            request.log.warn({ err: error }, 'realtime stream read failed');
            if (!retryTimer && !closed) {
              retryTimer = setTimeout(() => {
                retryTimer = null;
                void pump();
              }, hub.live.pollMs);
            }
          } finally {
            running = false;
          }
        };

        // A stream outlives the check made when it opened: each keep-alive checks the credential
        // again, so a revoked token, an ended session or a disabled user stops receiving at once, and
        // a changed role or set of accounts applies to what the stream shows.
        const reauthorise = async () => {
          request.principal = undefined;
          request.accountSession = undefined;
          try {
            principal = await authenticate(deps, request);
          } catch (error) {
            const code = error instanceof AppError ? error.code : 'UNAUTHENTICATED';
            await write(`event: stream.closed\ndata: ${JSON.stringify({ code })}\n\n`);
            end();
          }
        };
        const keepAlive = setInterval(() => {
          void write(': keepalive\n\n').then(reauthorise);
        }, hub.keepAliveMs);
        const unsubscribe = hub.live.subscribe(() => void pump());
        // A logout, a revoked token or a disabled user on this node ends the stream now, not at the
        // next keep-alive (which still catches what other nodes revoked).
        const offCredentials = deps.signals.on('credentials', () => void reauthorise());
        const end = () => {
          if (closed) return;
          closed = true;
          offCredentials();
          clearInterval(keepAlive);
          if (retryTimer) clearTimeout(retryTimer);
          unsubscribe();
          streams.delete(end);
          if (!raw.writableEnded) raw.end();
        };
        streams.add(end);
        raw.on('close', end);
        await pump();
      },
    );
  };
}
