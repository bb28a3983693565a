import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app-deps.ts';
import { type Principal, principalOf } from '../auth/principal.ts';
import { visibleNumberIds } from '../numbers/number.queries.ts';
import { AppError } from '../platform/errors.ts';
import { errorResponses } from '../platform/http/api-schemas.ts';
import { iso } from '../platform/time.ts';
import { anchorStates, checkpointAt, latestCheckpoint, logSize, storedTree } from './archive.queries.ts';
import {
  ZArchiveFilter,
  ZBundleText,
  ZCheckpointResponse,
  ZCheckpointText,
  ZConsistencyRequest,
  ZConsistencyResponse,
  ZInclusionRequest,
  ZInclusionResponse,
  ZKeyText,
  ZSearchRequest,
  ZSearchResponse,
  ZVerificationStatus,
  ZVerifyResponse,
} from './archive.schemas.ts';
import type { EntryActor } from './archive-entry.ts';
import { archiveSigner } from './archive-key.ts';
import { searchArchive } from './archive-search.queries.ts';
import { makeCheckpoint } from './checkpoint.ts';
import { type ExportFilter, writeBundle } from './export-bundle.ts';
import { registerHoldRoutes } from './hold.routes.ts';
import { consistencyProof, inclusionProof } from './merkle.ts';
import { archiveKeyring } from './payload-crypto.ts';
import { registerRetentionRoutes } from './retention.routes.ts';
import { formatVerifierKey } from './signed-note.ts';
import { runVerification } from './verification.ts';

const text = (body: string) => Buffer.from(body, 'utf8');
const ms = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));

function actorOf(principal: Principal): EntryActor {
  return { kind: principal.kind, id: principal.id };
}

/** The C2SP tlog-proof file of an inclusion proof. */
export function tlogProof(index: number, proof: readonly Buffer[], checkpointNote: string): string {
  return `c2sp.org/tlog-proof@v1\nindex ${index}\n${proof.map((p) => `${p.toString('base64')}\n`).join('')}\n${checkpointNote}`;
}

/**
 * The compliance archive's API (`docs/archive.md`): the checkpoint and key as text, inclusion and
 * consistency proofs, search, verification and exports. Auditors read all of it within their
 * business accounts; the checkpoint, key and proofs concern the one log and are the same for all.
 */
export function archiveRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (plugin) => {
    const app = plugin.withTypeProvider<ZodTypeProvider>();
    const { db } = deps.database;

    app.get(
      '/api/audit/checkpoint',
      { schema: { response: { 200: ZCheckpointText, ...errorResponses } } },
      async (_req, reply) => {
        const latest = await latestCheckpoint(db);
        if (!latest) throw new AppError('NOT_FOUND', 'No checkpoint has been signed yet.');
        return reply.type('text/plain; charset=utf-8').send(text(latest.note));
      },
    );

    app.post(
      '/api/audit/checkpoint',
      { schema: { response: { 200: ZCheckpointResponse, ...errorResponses } } },
      async () => {
        const cp = await makeCheckpoint(db, { config: deps.config, now: deps.clock.now() });
        return { size: cp.size, root_hash: cp.root_hash, note: cp.note };
      },
    );

    app.get(
      '/api/audit/key',
      { schema: { response: { 200: ZKeyText, ...errorResponses } } },
      async (_req, reply) => {
        const signer = await archiveSigner(db, deps.config, deps.clock.now());
        return reply.type('text/plain; charset=utf-8').send(text(`${formatVerifierKey(signer)}\n`));
      },
    );

    app.get(
      '/api/audit/proofs/inclusion',
      {
        schema: { querystring: ZInclusionRequest, response: { 200: ZInclusionResponse, ...errorResponses } },
      },
      async (request) => {
        const cp =
          request.query.size === undefined
            ? await latestCheckpoint(db)
            : await checkpointAt(db, request.query.size);
        if (!cp) throw new AppError('NOT_FOUND', 'No checkpoint of that tree size.');
        const { index } = request.query;
        if (index >= cp.size)
          throw new AppError('NOT_FOUND', `Entry ${index} is not in the tree of ${cp.size}.`);
        const row = await db
          .selectFrom('archive_entries')
          .select('entry')
          .where('idx', '=', index)
          .executeTakeFirst();
        if (!row) throw new AppError('NOT_FOUND', `No entry ${index}.`);
        const proof = inclusionProof(await storedTree(db, cp.size), index, cp.size);
        return {
          index,
          tree_size: cp.size,
          root_hash: cp.root_hash,
          entry: row.entry,
          proof: proof.map((p) => p.toString('base64')),
          checkpoint: cp.note,
          tlog_proof: tlogProof(index, proof, cp.note),
        };
      },
    );

    app.get(
      '/api/audit/proofs/consistency',
      {
        schema: {
          querystring: ZConsistencyRequest,
          response: { 200: ZConsistencyResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { from, to } = request.query;
        if (from > to) throw new AppError('VALIDATION_FAILED', '`from` must not exceed `to`.');
        const [a, b] = [await checkpointAt(db, from), await checkpointAt(db, to)];
        if (!a || !b) throw new AppError('NOT_FOUND', 'Both sizes must be checkpointed tree sizes.');
        const proof = consistencyProof(await storedTree(db, to), from, to);
        return {
          from,
          to,
          proof: proof.map((p) => p.toString('base64')),
          from_checkpoint: a.note,
          to_checkpoint: b.note,
        };
      },
    );

    app.get(
      '/api/audit/entries',
      { schema: { querystring: ZSearchRequest, response: { 200: ZSearchResponse, ...errorResponses } } },
      async (request) => {
        const q = request.query;
        const page = await searchArchive(
          db,
          {
            numbers: await visibleNumberIds(db, principalOf(request)),
            phoneNumberId: q.phone_number_id,
            contactId: q.contact_id,
            conversationId: q.conversation_id,
            messageId: q.message_id,
            type: q.type,
            actorId: q.actor_id,
            origin: q.origin,
            from: ms(q.from),
            to: ms(q.to),
            q: q.q,
            cursor: q.cursor,
            limit: q.limit,
          },
          archiveKeyring(deps.config),
        );
        return {
          data: page.data.map((r) => {
            const committed =
              (JSON.parse(r.entry) as { content_sha256: string | null }).content_sha256 !== null;
            return {
              index: r.idx,
              type: r.type,
              at: iso(r.at),
              phone_number_id: r.phone_number_id,
              contact_id: r.contact_id,
              conversation_id: r.conversation_id,
              message_id: r.message_id,
              actor_id: r.actor_id,
              entry: r.entry,
              content: r.content === null ? null : JSON.parse(r.content),
              erased: committed && r.content === null,
            };
          }),
          next_cursor: page.next_cursor,
        };
      },
    );

    app.get(
      '/api/audit/status',
      { schema: { response: { 200: ZVerificationStatus, ...errorResponses } } },
      async () => {
        const cp = await latestCheckpoint(db);
        const last = await db
          .selectFrom('archive_verifications')
          .selectAll()
          .orderBy('finished_at', 'desc')
          .limit(1)
          .executeTakeFirst();
        return {
          origin: deps.config.archiveOrigin,
          size: await logSize(db),
          checkpoint: cp ? { size: cp.size, root_hash: cp.root_hash, created_at: iso(cp.created_at) } : null,
          last_verification: last
            ? {
                started_at: iso(Number(last.started_at)),
                finished_at: iso(Number(last.finished_at)),
                size: Number(last.size),
                ok: Number(last.ok) === 1,
                problem: last.problem,
              }
            : null,
          anchors: (await anchorStates(db)).map((a) => ({
            target: a.target,
            anchored_size: a.anchored_size,
            anchored_at: a.anchored_at === null ? null : iso(a.anchored_at),
            failure: a.failure
              ? { size: a.failure.size, at: iso(a.failure.at), error: a.failure.error }
              : null,
          })),
        };
      },
    );

    app.post(
      '/api/audit/verify',
      { schema: { response: { 200: ZVerifyResponse, ...errorResponses } } },
      async (request) => {
        const report = await runVerification(deps, { actor: actorOf(principalOf(request)) });
        return { ...report, problems: [...report.problems] };
      },
    );

    app.post(
      '/api/audit/exports',
      { schema: { body: ZArchiveFilter, response: { 200: ZBundleText, ...errorResponses } } },
      async (request, reply) => {
        const principal = principalOf(request);
        const numbers = await visibleNumberIds(db, principal);
        const b = request.body;
        if (numbers !== null && (!b.phone_number_id || !numbers.includes(b.phone_number_id))) {
          throw new AppError('FORBIDDEN', 'Name one of your numbers (phone_number_id) to export.');
        }
        const filter: ExportFilter = {
          ...(b.phone_number_id ? { phoneNumberId: b.phone_number_id } : {}),
          ...(b.contact_id ? { contactId: b.contact_id } : {}),
          ...(b.conversation_id ? { conversationId: b.conversation_id } : {}),
          ...(b.from ? { from: Date.parse(b.from) } : {}),
          ...(b.to ? { to: Date.parse(b.to) } : {}),
        };
        const bundle = await writeBundle(db, {
          config: deps.config,
          filter,
          now: deps.clock.now(),
          actor: actorOf(principal),
        });
        return reply
          .type('application/x-ndjson')
          .header('content-disposition', `attachment; filename="archive-export-${bundle.size}.jsonl"`)
          .send(text(bundle.text));
      },
    );

    registerHoldRoutes(plugin, deps);
    registerRetentionRoutes(plugin, deps);
  };
}
