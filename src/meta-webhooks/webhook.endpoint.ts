import { createHmac } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../app-deps.ts';
import { AppError } from '../platform/errors.ts';
import { safeEqual } from '../platform/safe-equal.ts';
import { loopShareOf, markIngest } from './ingest-activity.ts';
import { createRawEventStore } from './webhook-event.repository.ts';

/** Checks `X-Hub-Signature-256: sha256=<hex>` over the raw body bytes with the app secret. */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const hex = header.slice('sha256='.length).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return safeEqual(expected, Buffer.from(hex, 'hex'));
}

/** The signature header Meta would send for this body. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const PATH = '/webhooks/meta';

/**
 * `GET /webhooks/meta` (verify handshake) and `POST /webhooks/meta` (signed events: stored durably
 * before the 200, processed afterwards by the webhook worker).
 */
export function webhookRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    const share = loopShareOf(deps.database);
    const store = createRawEventStore(deps.database, {
      now: () => deps.clock.now(),
      onCommitted: (ids) => {
        share.foreground(ids.length);
        deps.signals.emit('webhookStored');
      },
    });
    // Scoped to this plugin: the signature needs the exact bytes, whatever the content type says.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    app.get(PATH, async (request, reply) => {
      const q = request.query as Record<string, string | undefined>;
      const token = Buffer.from(q['hub.verify_token'] ?? '');
      const ok = q['hub.mode'] === 'subscribe' && safeEqual(token, Buffer.from(deps.config.metaVerifyToken));
      if (!ok) {
        deps.logger.warn(
          { security: 'webhook.verify_failed', ip: request.ip },
          'webhook verify handshake refused',
        );
        throw new AppError('WEBHOOK_VERIFY_FAILED');
      }
      return reply
        .code(200)
        .type('text/plain; charset=utf-8')
        .send(q['hub.challenge'] ?? '');
    });

    app.post(PATH, async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers['x-hub-signature-256'];
      if (!verifySignature(deps.config.metaAppSecret, body, Array.isArray(header) ? header[0] : header)) {
        deps.logger.warn(
          {
            security: 'webhook.signature_invalid',
            ip: request.ip,
            present: header !== undefined,
            bytes: body.length,
          },
          'webhook signature rejected',
        );
        throw new AppError('WEBHOOK_SIGNATURE_INVALID');
      }
      markIngest(deps.database);
      // Stored as text: PostgreSQL refuses NUL, so a NUL byte (never valid JSON) is kept as U+FFFD.
      try {
        await store.store({ body: body.toString('utf8').replaceAll('\u0000', '\uFFFD'), path: PATH });
      } catch (error) {
        // Not stored, so not acknowledged: a 503 makes Meta deliver it again later.
        request.log.error({ err: error }, 'webhook not stored: the database failed');
        throw new AppError('DATABASE_UNAVAILABLE');
      }
      return reply.code(200).type('text/plain; charset=utf-8').send('EVENT_RECEIVED');
    });
  };
}
