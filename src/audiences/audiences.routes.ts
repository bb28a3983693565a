import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps.ts';
import { principalOf } from '../auth/principal.ts';
import { visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses, ZIdParams, ZNoContent } from '../platform/http/api-schemas.ts';
import { parseJsonOr } from '../platform/json.ts';
import { countAudience, resolveAudience } from './audience.ts';
import {
  findImport,
  saveSegment,
  startContactImport,
  toApiImport,
  toApiSegment,
} from './audience-actions.ts';
import {
  ZAudiencePage,
  ZAudiencePageQuery,
  ZContactImport,
  ZCountRequest,
  ZCountResponse,
  ZCreateImportRequest,
  ZImportList,
  ZSegment,
  ZSegmentInput,
  ZSegmentList,
} from './audiences.schemas.ts';
import { type ImportReject, rejectsCsv } from './contact-import.ts';
import type { SegmentFilter } from './segment-filter.ts';

/**
 * Segments (`/api/segments`: saved filters, live count, the contacts they select) and CSV contact
 * imports (`/api/contact-imports`: report, progress, rejected rows as CSV).
 */
export function audiencesRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const db = () => deps.database.db;
    const scope = async (request: Parameters<typeof principalOf>[0]) => {
      const visible = await visibleNumberIds(db(), principalOf(request));
      if (visible === null) return null;
      const rows = visible.length
        ? await db().selectFrom('phone_numbers').select('waba_id').where('id', 'in', visible).execute()
        : [];
      return [...new Set(rows.map((r) => r.waba_id))];
    };

    app.get('/api/segments', { schema: { response: { 200: ZSegmentList, ...errorResponses } } }, async () => {
      const rows = await db().selectFrom('segments').selectAll().orderBy('name').execute();
      return { data: rows.map(toApiSegment) };
    });

    app.post(
      '/api/segments',
      { schema: { body: ZSegmentInput, response: { 201: ZSegment, ...errorResponses } } },
      async (request, reply) => {
        const saved = await saveSegment(deps, { principal: principalOf(request), ...request.body });
        return reply.code(201).send(saved);
      },
    );

    app.post(
      '/api/segments/count',
      { schema: { body: ZCountRequest, response: { 200: ZCountResponse, ...errorResponses } } },
      async (request) => {
        const wabaIds = await scope(request);
        const now = deps.clock.now();
        const filter = request.body.filter as SegmentFilter;
        const [count, page] = await Promise.all([
          countAudience(db(), filter, { wabaIds, now }),
          resolveAudience(db(), filter, { wabaIds, now, size: 5 }),
        ]);
        return { count, sample: page.contactIds };
      },
    );

    const segmentOf = async (id: string) => {
      const row = await db().selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', 'No such segment.');
      return row;
    };

    app.get(
      '/api/segments/:id',
      {
        schema: {
          params: ZIdParams,
          response: { 200: ZSegment.extend({ count: z.number().int() }), ...errorResponses },
        },
      },
      async (request) => {
        const row = await segmentOf(request.params.id);
        const count = await countAudience(db(), row.id, {
          wabaIds: await scope(request),
          now: deps.clock.now(),
        });
        return { ...toApiSegment(row), count };
      },
    );

    app.put(
      '/api/segments/:id',
      { schema: { params: ZIdParams, body: ZSegmentInput, response: { 200: ZSegment, ...errorResponses } } },
      async (request) =>
        saveSegment(deps, { principal: principalOf(request), id: request.params.id, ...request.body }),
    );

    app.delete(
      '/api/segments/:id',
      { schema: { params: ZIdParams, response: { 204: ZNoContent, ...errorResponses } } },
      async (request, reply) => {
        const done = await db().deleteFrom('segments').where('id', '=', request.params.id).executeTakeFirst();
        if (Number(done.numDeletedRows) === 0) throw new AppError('NOT_FOUND', 'No such segment.');
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/segments/:id/contacts',
      {
        schema: {
          params: ZIdParams,
          querystring: ZAudiencePageQuery,
          response: { 200: ZAudiencePage, ...errorResponses },
        },
      },
      async (request) => {
        const row = await segmentOf(request.params.id);
        const page = await resolveAudience(db(), row.id, {
          wabaIds: await scope(request),
          now: deps.clock.now(),
          after: request.query.cursor ?? null,
          size: request.query.limit,
        });
        return { contact_ids: page.contactIds, next_cursor: page.next };
      },
    );

    app.post(
      '/api/contact-imports',
      { schema: { body: ZCreateImportRequest, response: { 201: ZContactImport, ...errorResponses } } },
      async (request, reply) => {
        const { import: created } = await startContactImport(deps, {
          principal: principalOf(request),
          phoneNumberId: request.body.phone_number_id,
          mode: request.body.mode,
          csv: request.body.csv,
          fileName: request.body.file_name ?? null,
        });
        return reply.code(201).send(created);
      },
    );

    app.get(
      '/api/contact-imports',
      { schema: { response: { 200: ZImportList, ...errorResponses } } },
      async (request) => {
        const visible = await visibleNumberIds(db(), principalOf(request));
        let q = db().selectFrom('contact_imports').selectAll().orderBy('created_at', 'desc').limit(50);
        if (visible !== null)
          q = visible.length ? q.where('phone_number_id', 'in', visible) : q.where('id', '=', '');
        return { data: (await q.execute()).map(toApiImport) };
      },
    );

    app.get(
      '/api/contact-imports/:id',
      { schema: { params: ZIdParams, response: { 200: ZContactImport, ...errorResponses } } },
      async (request) => toApiImport(await findImport(deps, principalOf(request), request.params.id)),
    );

    app.get(
      '/api/contact-imports/:id/rejected.csv',
      {
        schema: { params: ZIdParams, response: { 200: z.string().describe('text/csv'), ...errorResponses } },
      },
      async (request, reply) => {
        const row = await findImport(deps, principalOf(request), request.params.id);
        const rejects = parseJsonOr<ImportReject[]>(row.rejects_json, []) ?? [];
        const columns = [...new Set(rejects.flatMap((r) => Object.keys(r.raw)))];
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="rejected-${row.id}.csv"`);
        return rejectsCsv(columns, rejects);
      },
    );
  };
}
