import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../core/context.ts';
import { announcePartner } from '../signup/signup-state.ts';
import { verifyCallback } from '../webhooks/dispatcher.ts';
import type { NumberState } from '../world/types.ts';
import { GraphError } from './errors.ts';
import { mediaInfo } from './media.routes.ts';
import { setTwoStepPin } from './number-admin.routes.ts';
import { unknownNode } from './server.ts';
import { editTemplate } from './templates.routes.ts';
import { isObj } from './validate-send.ts';

type Obj = Record<string, unknown>;

/** Every field `GET /{phone-number-id}` can return. */
export function phoneFields(ctx: SandboxContext, n: NumberState): Obj {
  return {
    verified_name: n.verifiedName,
    code_verification_status: 'VERIFIED',
    display_phone_number: formatDisplay(n.displayPhoneNumber),
    quality_rating: n.qualityRating ?? 'GREEN',
    platform_type: n.connected ? 'CLOUD_API' : 'NOT_APPLICABLE',
    is_on_biz_app: n.coexistence,
    // Documented levels: STANDARD (80 mps, and the fixed 20 of coexistence) and HIGH (1,000 mps).
    throughput: { level: n.throughputMps > 80 ? 'HIGH' : 'STANDARD' },
    status: n.connected ? 'CONNECTED' : 'DISCONNECTED',
    name_status: 'APPROVED',
    whatsapp_business_manager_messaging_limit: 'TIER_2K',
    messaging_limit_tier: 'TIER_2K',
    health_status: {
      can_send_message: n.connected ? 'AVAILABLE' : 'BLOCKED',
      entities: [
        {
          entity_type: 'PHONE_NUMBER',
          id: n.phoneNumberId,
          can_send_message: n.connected ? 'AVAILABLE' : 'BLOCKED',
        },
      ],
    },
    webhook_configuration: n.webhookOverride
      ? { phone_number: n.webhookOverride.url, application: ctx.world.callbackUrl ?? '' }
      : { application: ctx.world.callbackUrl ?? '' },
    id: n.phoneNumberId,
  };
}

const DEFAULT_PHONE_FIELDS = [
  'verified_name',
  'code_verification_status',
  'display_phone_number',
  'quality_rating',
  'platform_type',
  'throughput',
  'id',
];

function formatDisplay(digits: string): string {
  if (digits.length === 11 && digits.startsWith('1'))
    return `+1 ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  return `+${digits}`;
}

/** Picks `?fields=a,b` from a full object (Graph returns only what was asked, plus id). */
export function pickFields(full: Obj, fields: unknown, defaults: string[]): Obj {
  const wanted =
    typeof fields === 'string' && fields.trim() ? fields.split(',').map((f) => f.trim()) : defaults;
  const out: Obj = {};
  for (const f of wanted) if (f in full) out[f] = full[f];
  out.id = full.id;
  return out;
}

/** `GET|POST|DELETE /{id}` for phone numbers, WABAs, templates and media, plus WABA sub-edges. */
export function objectRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/:version/:id', async (req) => {
      const { id } = req.params as { id: string };
      const q = req.query as Obj;
      const number = ctx.world.numbers[id];
      if (number) return pickFields(phoneFields(ctx, number), q.fields, DEFAULT_PHONE_FIELDS);
      const waba = Object.values(ctx.world.numbers).find((n) => n.wabaId === id);
      if (waba) {
        const full = {
          id,
          name: waba.verifiedName,
          timezone_id: '1',
          message_template_namespace: `sandbox_${id.slice(-6)}`,
          currency: 'USD',
          account_review_status: 'APPROVED',
        };
        return pickFields(full, q.fields, ['id', 'name', 'timezone_id', 'message_template_namespace']);
      }
      const template = ctx.world.templates[id];
      if (template) {
        const full = {
          id,
          name: template.name,
          language: template.language,
          status: template.status,
          category: template.category,
          components: template.components,
          parameter_format: template.parameterFormat.toUpperCase(),
        };
        return pickFields(full, q.fields, [
          'id',
          'name',
          'language',
          'status',
          'category',
          'components',
          'parameter_format',
        ]);
      }
      const media = ctx.world.media[id];
      if (media && !media.deleted) return mediaInfo(ctx, media);
      throw unknownNode(id, 'get');
    });

    app.delete('/:version/:id', async (req) => {
      const { id } = req.params as { id: string };
      const media = ctx.world.media[id];
      if (!media || media.deleted) throw unknownNode(id, 'delete');
      media.deleted = true;
      ctx.mediaBytes.delete(id);
      ctx.touch();
      return { success: true };
    });

    // POST /{id}: a number's two-step PIN or webhook override, or a template edit.
    app.post('/:version/:id', async (req) => {
      const { id } = req.params as { id: string };
      const body = isObj(req.body) ? req.body : {};
      const template = ctx.world.templates[id];
      if (template) return editTemplate(ctx, template, body);
      const number = ctx.world.numbers[id];
      if (!number) throw unknownNode(id, 'post');
      if (body.pin !== undefined) return setTwoStepPin(ctx, number, body);
      return setWebhookOverride(ctx, number, body);
    });

    app.get('/:version/:id/phone_numbers', async (req) => {
      const { id } = req.params as { id: string };
      const numbers = Object.values(ctx.world.numbers).filter((n) => n.wabaId === id);
      if (numbers.length === 0) throw unknownNode(id, 'get');
      const q = req.query as Obj;
      return {
        data: numbers.map((n) => pickFields(phoneFields(ctx, n), q.fields, DEFAULT_PHONE_FIELDS)),
        paging: { cursors: { before: 'QVFIUMA', after: 'QVFIUMA' } },
      };
    });

    app.get('/:version/:id/subscribed_apps', async (req) => {
      const { id } = wabaOf(ctx, req.params);
      return {
        data: ctx.world.subscribedApps[id]
          ? [
              {
                whatsapp_business_api_data: {
                  id: '1066870047736218',
                  link: 'https://www.facebook.com/games/?app_id=1066870047736218',
                  name: 'Coexist',
                },
              },
            ]
          : [],
      };
    });
    app.post('/:version/:id/subscribed_apps', async (req) => {
      const { id } = wabaOf(ctx, req.params);
      ctx.world.subscribedApps[id] = true;
      ctx.touch();
      announcePartner(ctx, id);
      return { success: true };
    });
    app.delete('/:version/:id/subscribed_apps', async (req) => {
      const { id } = wabaOf(ctx, req.params);
      ctx.world.subscribedApps[id] = false;
      ctx.touch();
      return { success: true };
    });
  };
}

/** Per-number webhook override (verified with the GET handshake), as in Meta's override API. */
async function setWebhookOverride(
  ctx: SandboxContext,
  number: NumberState,
  body: Record<string, unknown>,
): Promise<Obj> {
  const conf = body.webhook_configuration;
  if (!isObj(conf)) throw new GraphError(100, { details: 'Param webhook_configuration is required.' });
  const url = conf.override_callback_uri;
  if (url === undefined || url === '') {
    number.webhookOverride = null;
    ctx.touch();
    return { success: true };
  }
  const token = typeof conf.verify_token === 'string' ? conf.verify_token : '';
  if (typeof url !== 'string' || url.length > 200)
    throw new GraphError(100, {
      details: 'Param override_callback_uri must be a URL of at most 200 characters.',
    });
  const check = await verifyCallback(url, token, ctx.ids.objectId(10));
  if (!check.ok)
    throw new GraphError(2200, {
      message: `Callback verification failed with the following errors: HTTP Status Code = ${String(check.status)}`,
      http: 400,
    });
  number.webhookOverride = { url, verifyToken: token };
  ctx.touch();
  return { success: true };
}

function wabaOf(ctx: SandboxContext, params: unknown): { id: string } {
  const { id } = params as { id: string };
  if (!Object.values(ctx.world.numbers).some((n) => n.wabaId === id)) throw unknownNode(id, 'get');
  return { id };
}
