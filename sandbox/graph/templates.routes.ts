import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../core/context.ts';
import type { TemplateState } from '../world/types.ts';
import { GraphError } from './errors.ts';
import { unknownNode } from './server.ts';
import { uploadedHandleKind } from './uploads.routes.ts';
import { checkAuthenticationComponents, checkAuthenticationTtl } from './validate-authentication.ts';
import { isObj } from './validate-send.ts';

const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

function wire(t: TemplateState): Record<string, unknown> {
  return {
    name: t.name,
    parameter_format: t.parameterFormat.toUpperCase(),
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
  };
}

/** `message_template_status_update` webhook (always to the app callback; carries `entry[].time`). */
export function emitTemplateStatus(
  ctx: SandboxContext,
  t: TemplateState,
  event: string,
  reason = 'NONE',
): void {
  ctx.emit({
    wabaId: t.wabaId,
    field: 'message_template_status_update',
    phoneNumberId: null,
    time: Math.floor(ctx.scheduler.now() / 1000),
    value: {
      event,
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
      reason,
      message_template_category: t.category,
    },
  });
}

/** Sets a template's status (review result, pause, disable …) and sends the status webhook. */
export function setTemplateStatus(
  ctx: SandboxContext,
  t: TemplateState,
  status: string,
  reason?: string,
): void {
  t.status = status;
  if (status === 'REJECTED') t.rejectedReason = reason ?? 'INVALID_FORMAT';
  ctx.touch();
  emitTemplateStatus(ctx, t, status, status === 'REJECTED' ? t.rejectedReason : (reason ?? 'NONE'));
}

const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT'];

/**
 * A media header needs its sample: `example.header_handle` with one handle from the Resumable
 * Upload API (`uploads.routes.ts`) of a file of that kind.
 */
function checkMediaHeader(ctx: SandboxContext, c: Record<string, unknown>): void {
  const format = String(c.format ?? '').toUpperCase();
  if (!MEDIA_FORMATS.includes(format)) return;
  const handles = isObj(c.example) ? c.example.header_handle : undefined;
  const handle = Array.isArray(handles) && handles.length === 1 ? handles[0] : undefined;
  if (typeof handle !== 'string' || !handle) {
    throw new GraphError(100, {
      message: 'Invalid parameter',
      details: `A ${format} header needs example.header_handle: one handle from the Resumable Upload API.`,
    });
  }
  const kind = uploadedHandleKind(ctx, handle);
  if (kind === null)
    throw new GraphError(100, {
      message: 'Invalid parameter',
      details: `example.header_handle ${handle} is not a handle of an uploaded file.`,
    });
  if (kind !== format)
    throw new GraphError(100, {
      message: 'Invalid parameter',
      details: `The ${format} header's sample is a ${kind.toLowerCase()} file.`,
    });
}

function checkComponents(
  ctx: SandboxContext,
  components: unknown,
  template: { category: string; language: string },
): Record<string, unknown>[] {
  if (!Array.isArray(components) || components.length === 0 || !components.every(isObj)) {
    throw new GraphError(100, {
      message: 'The parameter components is required.',
      details: 'The parameter components is required.',
    });
  }
  // Meta presets an authentication template's text: it is checked and stored in its own format.
  if (template.category === 'AUTHENTICATION')
    return checkAuthenticationComponents(components, template.language);
  if (!components.some((c) => String(c.type).toUpperCase() === 'BODY')) {
    throw new GraphError(100, { details: 'A template needs a BODY component.' });
  }
  for (const c of components) if (String(c.type).toUpperCase() === 'HEADER') checkMediaHeader(ctx, c);
  return components;
}

/** Review of a new or edited template: APPROVED (or REJECTED by name) after `templateReview.delayMs`. */
function scheduleReview(ctx: SandboxContext, t: TemplateState): void {
  const reject = ctx.options.templateReview.rejectNames.includes(t.name) || t.name.startsWith('reject');
  ctx.scheduler.schedule(ctx.delay(ctx.options.templateReview.delayMs), () => {
    if (ctx.world.templates[t.id]?.status !== 'PENDING') return;
    setTemplateStatus(ctx, t, reject ? 'REJECTED' : 'APPROVED', reject ? 'INVALID_FORMAT' : 'NONE');
  });
}

const EDITABLE = ['APPROVED', 'REJECTED', 'PAUSED'];
const DAY = 86_400_000;

/**
 * `POST /{template-id}`: edits `components` and/or `category` as Meta allows it. Only APPROVED,
 * REJECTED or PAUSED templates can be edited; name and language never; an approved template's
 * category never, and an approved template at most once in 24 hours and 10 times in 30 days.
 * The edited template goes back to PENDING and through review (with its status webhook).
 */
export function editTemplate(
  ctx: SandboxContext,
  t: TemplateState,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const invalid = (details: string) => new GraphError(100, { message: 'Invalid parameter', details });
  if (body.name !== undefined || body.language !== undefined)
    throw invalid("A template's name and language cannot be edited.");
  if (
    body.components === undefined &&
    body.category === undefined &&
    body.message_send_ttl_seconds === undefined
  )
    throw new GraphError(100, {
      message: 'The parameter components is required.',
      details: 'The parameter components is required.',
    });
  if (!EDITABLE.includes(t.status))
    throw invalid(
      `Only templates with status APPROVED, REJECTED or PAUSED can be edited; this one is ${t.status}.`,
    );
  let category = t.category;
  if (body.category !== undefined) {
    category = typeof body.category === 'string' ? body.category.toUpperCase() : '';
    if (!CATEGORIES.includes(category))
      throw invalid(`Param category must be one of {${CATEGORIES.join(', ')}}.`);
    if (t.status === 'APPROVED' && category !== t.category)
      throw invalid("An approved template's category cannot be edited.");
  }
  if (category === 'AUTHENTICATION') checkAuthenticationTtl(body.message_send_ttl_seconds);
  const components =
    body.components === undefined
      ? t.components
      : checkComponents(ctx, body.components, { category, language: t.language });
  const now = ctx.scheduler.now();
  const edits = (t.edits ?? []).filter((at) => now - at < 30 * DAY);
  if (t.status === 'APPROVED') {
    if (edits.some((at) => now - at < DAY) || edits.length >= 10)
      throw invalid('An approved template can be edited once in 24 hours and 10 times in 30 days.');
  }
  t.edits = [...edits, now];
  t.components = components;
  t.category = category;
  t.status = 'PENDING';
  ctx.touch();
  scheduleReview(ctx, t);
  return { success: true };
}

/** `GET | POST | DELETE /{waba-id}/message_templates`. */
export function templateRoutes(ctx: SandboxContext) {
  const wabaOf = (params: unknown): string => {
    const { id } = params as { id: string };
    if (!Object.values(ctx.world.numbers).some((n) => n.wabaId === id)) throw unknownNode(id, 'get');
    return id;
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/:version/:id/message_templates', async (req) => {
      const wabaId = wabaOf(req.params);
      const q = req.query as Record<string, string | undefined>;
      let list = Object.values(ctx.world.templates).filter(
        (t) => t.wabaId === wabaId && t.status !== 'DELETED',
      );
      if (q.name) list = list.filter((t) => t.name.includes(q.name!));
      if (q.status) list = list.filter((t) => t.status === q.status!.toUpperCase());
      if (q.category) list = list.filter((t) => t.category === q.category!.toUpperCase());
      if (q.language) list = list.filter((t) => t.language === q.language);
      list.sort((a, b) => a.id.localeCompare(b.id));
      const limit = Math.min(Math.max(Number(q.limit ?? 25) || 25, 1), 1000);
      const start = q.after ? Number(Buffer.from(q.after, 'base64url').toString()) || 0 : 0;
      const page = list.slice(start, start + limit);
      const paging: Record<string, unknown> = {
        cursors: {
          before: Buffer.from(String(start)).toString('base64url'),
          after: Buffer.from(String(start + page.length)).toString('base64url'),
        },
      };
      if (start + limit < list.length)
        paging.next = `${ctx.baseUrl}${req.url.split('?')[0]}?limit=${limit}&after=${Buffer.from(String(start + limit)).toString('base64url')}`;
      return { data: page.map(wire), paging };
    });

    app.post('/:version/:id/message_templates', async (req) => {
      const wabaId = wabaOf(req.params);
      const body = isObj(req.body) ? req.body : {};
      const name = body.name;
      if (typeof name !== 'string' || !name)
        throw new GraphError(100, {
          message: 'The parameter name is required.',
          details: 'The parameter name is required.',
        });
      if (!/^[a-z0-9_]{1,512}$/.test(name))
        throw new GraphError(100, {
          details:
            'Param name must contain only lowercase letters, digits and underscores (at most 512 characters).',
        });
      const category = typeof body.category === 'string' ? body.category.toUpperCase() : '';
      if (!CATEGORIES.includes(category))
        throw new GraphError(100, { details: `Param category must be one of {${CATEGORIES.join(', ')}}.` });
      if (typeof body.language !== 'string' || !body.language)
        throw new GraphError(100, {
          message: 'The parameter language is required.',
          details: 'The parameter language is required.',
        });
      const language = body.language;
      if (category === 'AUTHENTICATION') checkAuthenticationTtl(body.message_send_ttl_seconds);
      const components = checkComponents(ctx, body.components, { category, language });
      if (
        Object.values(ctx.world.templates).some(
          (t) => t.wabaId === wabaId && t.name === name && t.language === language && t.status !== 'DELETED',
        )
      ) {
        throw new GraphError(100, {
          message: 'Invalid parameter',
          details: `Content in this language already exists for ${name} (${language}).`,
          subcode: 2388024,
        });
      }
      const format =
        body.parameter_format === 'named' || body.parameter_format === 'NAMED' ? 'named' : 'positional';
      const t: TemplateState = {
        id: ctx.ids.objectId(16),
        wabaId,
        name,
        language,
        category,
        status: 'PENDING',
        parameterFormat: format,
        components,
        createdAt: ctx.scheduler.now(),
        rejectedReason: 'NONE',
      };
      ctx.world.templates[t.id] = t;
      ctx.touch();
      scheduleReview(ctx, t);
      return { id: t.id, status: 'PENDING', category };
    });

    app.delete('/:version/:id/message_templates', async (req) => {
      const wabaId = wabaOf(req.params);
      const q = req.query as Record<string, string | undefined>;
      if (!q.name)
        throw new GraphError(100, {
          message: 'The parameter name is required.',
          details: 'The parameter name is required.',
        });
      const matches = Object.values(ctx.world.templates).filter(
        (t) =>
          t.wabaId === wabaId &&
          t.name === q.name &&
          t.status !== 'DELETED' &&
          (!q.hsm_id || t.id === q.hsm_id),
      );
      if (matches.length === 0)
        throw new GraphError(100, { details: `Message template "${q.name}" not found.`, subcode: 2593002 });
      for (const t of matches) {
        delete ctx.world.templates[t.id];
        emitTemplateStatus(ctx, t, 'DELETED');
      }
      ctx.touch();
      return { success: true };
    });
  };
}
