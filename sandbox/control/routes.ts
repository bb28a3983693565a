import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../core/context.ts';
import { customerSends, requireCustomer, requireNumber } from '../customers/inbound.ts';
import { setMarketingPreference } from '../customers/preferences.ts';
import { customerPlays, customerReads } from '../customers/read.ts';
import { GraphError } from '../graph/errors.ts';
import { setTemplateStatus } from '../graph/templates.routes.ts';
import { isObj } from '../graph/validate-send.ts';
import { removePhoneContact, upsertPhoneContact } from '../phone/contacts.ts';
import { ownerSends } from '../phone/echo.ts';
import { appOpened, disconnect, offboard, reconnect } from '../phone/lifecycle.ts';
import { addCustomer, chatMessages } from '../world/world.ts';
import type { ControlExtras } from './extras.ts';
import { controlOriginGuard } from './origin-guard.ts';

type Obj = Record<string, unknown>;

function bodyOf(req: { body: unknown }): Obj {
  return isObj(req.body) ? req.body : {};
}

function str(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !v)
    throw new GraphError(100, { details: `The parameter ${key} is required.` });
  return v;
}

/** The control API under `/_sandbox/…` (documented in docs/sandbox.md). */
export function controlRoutes(ctx: SandboxContext, extras: ControlExtras) {
  return async (app: FastifyInstance): Promise<void> => {
    // Only programs and the sandbox's own page may drive it, never another web page.
    app.addHook('onRequest', controlOriginGuard(ctx.options.host));
    app.get('/_sandbox/health', async () => ({
      ok: true,
      now: ctx.scheduler.now(),
      clock: ctx.scheduler.mode,
    }));

    app.get('/_sandbox/state', async () => ({
      now: ctx.scheduler.now(),
      clock: ctx.scheduler.mode,
      graphVersion: 'v23.0',
      callbackUrl: ctx.world.callbackUrl,
      callbackVerified: ctx.world.callbackVerified,
      numbers: Object.values(ctx.world.numbers),
      customers: Object.values(ctx.world.customers),
      config: extras.config(),
      webhooks: {
        queued: ctx.webhooks.queued,
        retrying: ctx.webhooks.retrying,
        undeliverable: ctx.webhooks.undeliverable,
      },
    }));

    app.post('/_sandbox/callback', async (req) => {
      const b = bodyOf(req);
      return extras.setCallback(str(b, 'url'), typeof b.verifyToken === 'string' ? b.verifyToken : undefined);
    });

    app.get('/_sandbox/customers', async () => ({ data: Object.values(ctx.world.customers) }));
    app.post('/_sandbox/customers', async (req) => {
      const b = bodyOf(req);
      const customer = addCustomer(ctx.world, {
        waId: str(b, 'waId'),
        name: typeof b.name === 'string' ? b.name : `Customer ${str(b, 'waId').slice(-4)}`,
        bsuid: typeof b.bsuid === 'string' ? b.bsuid : null,
        parentBsuid: typeof b.parentBsuid === 'string' ? b.parentBsuid : null,
        username: typeof b.username === 'string' ? b.username : null,
        ...(typeof b.phoneHidden === 'boolean' ? { phoneHidden: b.phoneHidden } : {}),
        ...(typeof b.onWhatsApp === 'boolean' ? { onWhatsApp: b.onWhatsApp } : {}),
        ...(typeof b.autoRead === 'boolean' ? { autoRead: b.autoRead } : {}),
      });
      ctx.touch();
      return customer;
    });

    app.post('/_sandbox/customers/:waId/messages', async (req) => {
      const { waId } = req.params as { waId: string };
      const b = bodyOf(req);
      const { phoneNumberId, name, ...message } = b;
      const msg = customerSends(ctx, {
        waId,
        ...(typeof phoneNumberId === 'string' ? { phoneNumberId } : {}),
        ...(typeof name === 'string' ? { name } : {}),
        message: { type: 'text', ...message } as { type: string },
      });
      return { id: msg.id, message: msg };
    });

    app.post('/_sandbox/customers/:waId/read', async (req) => {
      const { waId } = req.params as { waId: string };
      const b = bodyOf(req);
      const number = requireNumber(ctx, typeof b.phoneNumberId === 'string' ? b.phoneNumberId : undefined);
      const read = customerReads(ctx, {
        phoneNumberId: number.phoneNumberId,
        waId,
        ...(typeof b.messageId === 'string' ? { messageId: b.messageId } : {}),
      });
      return { read };
    });

    app.post('/_sandbox/customers/:waId/play', async (req) => {
      const b = bodyOf(req);
      if (typeof b.messageId !== 'string') {
        throw new GraphError(100, {
          details: 'The parameter messageId (an audio message sent through the API) is required.',
        });
      }
      const { waId } = req.params as { waId: string };
      return { played: customerPlays(ctx, { waId, messageId: b.messageId }) };
    });

    app.post('/_sandbox/customers/:waId/marketing', async (req) => {
      const { waId } = req.params as { waId: string };
      const b = bodyOf(req);
      const number = requireNumber(ctx, typeof b.phoneNumberId === 'string' ? b.phoneNumberId : undefined);
      const customer = requireCustomer(ctx, waId);
      setMarketingPreference(ctx, { number, customer, stop: b.stop !== false });
      return { waId, marketingStopped: customer.marketingStopped };
    });

    app.post('/_sandbox/phone/:pnid/messages', async (req) => {
      const { pnid } = req.params as { pnid: string };
      const { to, ...message } = bodyOf(req);
      if (typeof to !== 'string') throw new GraphError(100, { details: 'The parameter to is required.' });
      const msg = ownerSends(ctx, {
        phoneNumberId: pnid,
        to,
        message: { type: 'text', ...message } as { type: string },
      });
      return { id: msg.id, message: msg };
    });

    app.post('/_sandbox/phone/:pnid/open', async (req) => {
      const number = requireNumber(ctx, (req.params as { pnid: string }).pnid);
      appOpened(ctx, number);
      return { lastAppOpenAt: number.lastAppOpenAt };
    });

    app.post('/_sandbox/phone/:pnid/contacts', async (req) => {
      const number = requireNumber(ctx, (req.params as { pnid: string }).pnid);
      const b = bodyOf(req);
      return upsertPhoneContact(ctx, number, {
        phoneNumber: str(b, 'phoneNumber'),
        fullName: str(b, 'fullName'),
        ...(typeof b.firstName === 'string' ? { firstName: b.firstName } : {}),
      });
    });

    app.delete('/_sandbox/phone/:pnid/contacts/:phone', async (req) => {
      const { pnid, phone } = req.params as { pnid: string; phone: string };
      const number = requireNumber(ctx, pnid);
      if (!removePhoneContact(ctx, number, phone))
        throw new GraphError(100, { details: `No contact ${phone} on the phone.` });
      return { removed: phone };
    });

    app.post('/_sandbox/phone/:pnid/history-sharing', async (req) => {
      const number = requireNumber(ctx, (req.params as { pnid: string }).pnid);
      number.historySharing = bodyOf(req).accept === false ? 'decline' : 'accept';
      ctx.touch();
      return { historySharing: number.historySharing };
    });

    app.post('/_sandbox/phone/:pnid/offboard', async (req) => {
      const number = requireNumber(ctx, (req.params as { pnid: string }).pnid);
      offboard(ctx, number);
      return number;
    });
    app.post('/_sandbox/phone/:pnid/reconnect', async (req) => {
      const number = requireNumber(ctx, (req.params as { pnid: string }).pnid);
      reconnect(ctx, number);
      return number;
    });
    app.post('/_sandbox/phone/:pnid/quality', async (req) => {
      const number = requireNumber(ctx, (req.params as { pnid: string }).pnid);
      const rating = bodyOf(req).rating;
      if (rating !== 'GREEN' && rating !== 'YELLOW' && rating !== 'RED' && rating !== 'UNKNOWN')
        throw new GraphError(100, { details: 'rating must be GREEN, YELLOW, RED or UNKNOWN.' });
      number.qualityRating = rating;
      ctx.touch();
      return { qualityRating: rating };
    });
    app.post('/_sandbox/phone/:pnid/disconnect', async (req) => {
      const number = requireNumber(ctx, (req.params as { pnid: string }).pnid);
      const b = bodyOf(req);
      disconnect(ctx, number, {
        reason: typeof b.reason === 'string' ? b.reason : 'ACCOUNT_DISCONNECTED',
        initiatedBy: b.initiatedBy === 'SYSTEM' ? 'SYSTEM' : 'USER',
      });
      return number;
    });

    app.get('/_sandbox/chats', async () => {
      const chats = new Map<
        string,
        { phoneNumberId: string; waId: string; name: string; last: unknown; count: number; lastAt: number }
      >();
      for (const m of Object.values(ctx.world.messages)) {
        const key = `${m.phoneNumberId}:${m.waId}`;
        const c = chats.get(key) ?? {
          phoneNumberId: m.phoneNumberId,
          waId: m.waId,
          name: ctx.world.customers[m.waId]?.name ?? m.waId,
          last: null,
          count: 0,
          lastAt: 0,
        };
        c.count++;
        if (m.timestamp >= c.lastAt) {
          c.lastAt = m.timestamp;
          c.last = { type: m.type, content: m.content, direction: m.direction, source: m.source };
        }
        chats.set(key, c);
      }
      return { data: [...chats.values()].sort((a, b) => b.lastAt - a.lastAt) };
    });
    app.get('/_sandbox/chats/:pnid/:waId', async (req) => {
      const { pnid, waId } = req.params as { pnid: string; waId: string };
      const typingUntil = ctx.typing.get(`${pnid}:${waId}`) ?? 0;
      return { data: chatMessages(ctx.world, pnid, waId), typing: typingUntil > ctx.scheduler.now() };
    });
    app.get('/_sandbox/messages/:id', async (req) => {
      const msg = ctx.world.messages[(req.params as { id: string }).id];
      if (!msg) throw new GraphError(100, { details: 'No such message.' });
      return msg;
    });

    app.get('/_sandbox/requests', async (req) => {
      const since = Number((req.query as Obj).since ?? 0) || 0;
      return { data: ctx.requests.filter((r) => r.seq > since) };
    });
    app.get('/_sandbox/webhooks', async (req) => {
      const since = Number((req.query as Obj).since ?? 0) || 0;
      return { data: ctx.webhooks.log.filter((r) => r.seq > since) };
    });

    app.get('/_sandbox/templates', async () => ({ data: Object.values(ctx.world.templates) }));
    app.post('/_sandbox/templates/:id/status', async (req) => {
      const t = ctx.world.templates[(req.params as { id: string }).id];
      if (!t) throw new GraphError(100, { details: 'No such template.' });
      const b = bodyOf(req);
      setTemplateStatus(
        ctx,
        t,
        str(b, 'status').toUpperCase(),
        typeof b.reason === 'string' ? b.reason : undefined,
      );
      return t;
    });

    app.patch('/_sandbox/config', async (req) => extras.configure(bodyOf(req)));

    app.post('/_sandbox/clock/advance', async (req) => {
      if (ctx.scheduler.mode !== 'manual')
        throw new GraphError(100, { details: 'The sandbox runs on the real clock.' });
      const ms = Number(bodyOf(req).ms);
      if (!Number.isFinite(ms) || ms < 0)
        throw new GraphError(100, { details: 'ms must be a non-negative number.' });
      await ctx.scheduler.advance(ms);
      return { now: ctx.scheduler.now() };
    });

    app.post('/_sandbox/flush', async () => {
      await ctx.scheduler.settled();
      await ctx.webhooks.idle();
      return { queued: ctx.webhooks.queued, retrying: ctx.webhooks.retrying };
    });

    await extras.register(app);
  };
}
