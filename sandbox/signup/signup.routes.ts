import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { controlOriginGuard } from '../control/origin-guard.ts';
import type { SandboxContext } from '../core/context.ts';
import { GraphError } from '../graph/errors.ts';
import { isObj } from '../graph/validate-send.ts';
import { DAY_MS } from '../world/world.ts';
import { DIALOG_HTML } from './dialog-page.ts';
import { PHONE_HTML } from './phone-page.ts';
import { sdkScript } from './sdk.ts';
import {
  finishSignup,
  refusalFor,
  SIGNUP_DEFAULTS,
  type SignupSession,
  signupWorld,
} from './signup-state.ts';

type Obj = Record<string, unknown>;
const CODE_TTL_MS = 10 * 60_000;

const bodyOf = (req: FastifyRequest): Obj => (isObj(req.body) ? req.body : {});

async function sessionView(ctx: SandboxContext, s: SignupSession): Promise<Obj> {
  const phones = Object.values(signupWorld(ctx).phones).map((p) => ({
    displayPhoneNumber: p.displayPhoneNumber,
    verifiedName: p.verifiedName,
  }));
  const qr =
    s.step === 'awaiting_scan'
      ? await QRCode.toDataURL(`sandbox-whatsapp-business://link?session=${s.id}&code=${s.pairingCode}`, {
          margin: 1,
        })
      : null;
  return { ...s, phones, qr };
}

function sessionOf(ctx: SandboxContext, req: FastifyRequest): SignupSession {
  const s = signupWorld(ctx).sessions[(req.params as { id: string }).id];
  if (!s) throw new GraphError(100, { details: 'No such signup session.' });
  return s;
}

/** Whether the `FB.login` extras ask for the Business App onboarding feature (v4 `features` or v2 `featureType`). */
function wantsBusinessApp(extras: unknown): boolean {
  let e: unknown = extras;
  if (typeof e === 'string') {
    try {
      e = JSON.parse(e);
    } catch {
      return false;
    }
  }
  if (!isObj(e)) return false;
  const features = Array.isArray(e.features) ? e.features : [];
  return (
    e.featureType === 'whatsapp_business_app_onboarding' ||
    features.some((f) => isObj(f) && f.name === 'whatsapp_business_app_onboarding')
  );
}

/**
 * Meta's side of Embedded Signup for Business app users: the SDK stand-in (`/sdk.js`), the login
 * popup (`/dialog/oauth` and its own calls, same-origin only), the code exchange
 * (`GET|POST /{version}/oauth/access_token`) and the phone's side under the control API
 * (`/_sandbox/signup/…`). See docs/sandbox.md.
 */
export function signupRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/sdk.js', async (_req, reply) =>
      reply
        .type('application/javascript; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(sdkScript(ctx.baseUrl)),
    );
    await app.register(dialogRoutes(ctx));
    await app.register(phoneRoutes(ctx));
    app.get('/:version/oauth/access_token', async (req) => exchange(ctx, req.query as Obj));
    app.post('/:version/oauth/access_token', async (req) =>
      exchange(ctx, { ...(req.query as Obj), ...bodyOf(req) }),
    );
  };
}

/** `oauth/access_token`: the popup's code for a business token (one use, ten minutes, this app only). */
function exchange(ctx: SandboxContext, q: Obj): Obj {
  if (q.client_id !== SIGNUP_DEFAULTS.appId) {
    throw new GraphError(101, {
      message: 'Error validating application. Invalid application ID.',
      prefix: false,
      errorData: false,
    });
  }
  if (q.client_secret !== ctx.options.appSecret) {
    throw new GraphError(1, {
      message: 'Error validating client secret.',
      prefix: false,
      errorData: false,
      http: 400,
    });
  }
  const sw = signupWorld(ctx);
  const code = typeof q.code === 'string' ? sw.codes[q.code] : undefined;
  const now = ctx.scheduler.now();
  if (!code || now - code.issuedAt > CODE_TTL_MS) {
    throw new GraphError(100, {
      message: 'Invalid verification code format.',
      subcode: 36008,
      prefix: false,
      errorData: false,
    });
  }
  if (code.used) {
    throw new GraphError(100, {
      message: 'This authorization code has been used.',
      subcode: 36009,
      prefix: false,
      errorData: false,
    });
  }
  code.used = true;
  const token = `EAAG${ctx.ids.hex(40)}`;
  sw.tokens[token] = { wabaId: code.wabaId, issuedAt: now };
  ctx.touch();
  return { access_token: token, token_type: 'bearer' };
}

function dialogRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    // The popup's own calls: same-origin only, like the control API.
    app.addHook('onRequest', controlOriginGuard(ctx.options.host));
    app.get('/dialog/oauth', async (_req, reply) => reply.type('text/html; charset=utf-8').send(DIALOG_HTML));
    app.post('/dialog/oauth/session', async (req) => {
      const b = bodyOf(req);
      if (b.client_id !== SIGNUP_DEFAULTS.appId) throw new GraphError(100, { details: 'Invalid App ID.' });
      if (typeof b.config_id !== 'string' || !b.config_id) {
        throw new GraphError(100, {
          details: 'A Facebook Login for Business configuration (config_id) is required.',
        });
      }
      if (b.response_type !== 'code')
        throw new GraphError(100, { details: 'Embedded Signup needs response_type=code.' });
      if (!wantsBusinessApp(b.extras)) {
        throw new GraphError(100, {
          details:
            'The sandbox emulates the Business App onboarding only (feature whatsapp_business_app_onboarding).',
        });
      }
      let origin = '';
      try {
        origin = new URL(String(b.origin)).origin;
      } catch {
        throw new GraphError(100, { details: 'The page that opened the login is unknown.' });
      }
      const s: SignupSession = {
        id: ctx.ids.hex(12),
        createdAt: ctx.scheduler.now(),
        origin,
        step: 'login',
        displayPhoneNumber: null,
        pairingCode: null,
        shareHistory: true,
        error: null,
        result: null,
      };
      signupWorld(ctx).sessions[s.id] = s;
      ctx.touch();
      return sessionView(ctx, s);
    });
    app.get('/dialog/oauth/session/:id', async (req) => sessionView(ctx, sessionOf(ctx, req)));
    app.post('/dialog/oauth/session/:id/login', async (req) => {
      const s = sessionOf(ctx, req);
      if (s.step === 'login') s.step = 'number';
      return sessionView(ctx, s);
    });
    app.post('/dialog/oauth/session/:id/number', async (req) => {
      const s = sessionOf(ctx, req);
      const digits = String(bodyOf(req).phone ?? '').replace(/\D+/g, '');
      if (s.step !== 'number') throw new GraphError(100, { details: 'The number was chosen already.' });
      s.displayPhoneNumber = digits;
      s.error = refusalFor(ctx, digits);
      if (!s.error) {
        s.step = 'awaiting_scan';
        s.pairingCode = ctx.ids.objectId(8).replace(/(\d{4})(\d{4})/, '$1-$2');
      }
      ctx.touch();
      return sessionView(ctx, s);
    });
    app.post('/dialog/oauth/session/:id/finish', async (req) => {
      const s = sessionOf(ctx, req);
      if (s.step !== 'scanned')
        throw new GraphError(100, { details: 'The phone has not scanned the code yet.' });
      s.result = finishSignup(ctx, s);
      s.step = 'finished';
      return sessionView(ctx, s);
    });
    app.post('/dialog/oauth/session/:id/cancel', async (req) => {
      const s = sessionOf(ctx, req);
      if (s.step !== 'finished') s.step = 'cancelled';
      return sessionView(ctx, s);
    });
  };
}

function phoneRoutes(ctx: SandboxContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addHook('onRequest', controlOriginGuard(ctx.options.host));
    app.get('/_sandbox/signup/phone', async (_req, reply: FastifyReply) =>
      reply.type('text/html; charset=utf-8').send(PHONE_HTML),
    );
    app.get('/_sandbox/signup/sessions', async () => ({
      data: await Promise.all(Object.values(signupWorld(ctx).sessions).map((s) => sessionView(ctx, s))),
    }));
    app.post('/_sandbox/signup/sessions/:id/scan', async (req) => {
      const s = sessionOf(ctx, req);
      if (s.step !== 'awaiting_scan')
        throw new GraphError(100, { details: 'This signup is not waiting for a scan.' });
      s.shareHistory = bodyOf(req).shareHistory !== false;
      s.step = 'scanned';
      ctx.touch();
      return sessionView(ctx, s);
    });
    app.get('/_sandbox/signup/phones', async () => ({
      data: Object.values(signupWorld(ctx).phones).map((p) => ({
        ...p,
        daysInUse: Math.floor((ctx.scheduler.now() - p.firstUsedAt) / DAY_MS),
      })),
    }));
    app.post('/_sandbox/signup/phones', async (req) => {
      const b = bodyOf(req);
      const digits = String(b.displayPhoneNumber ?? '').replace(/\D+/g, '');
      if (digits.length < 8)
        throw new GraphError(100, { details: 'displayPhoneNumber (international digits) is required.' });
      const phone = {
        displayPhoneNumber: digits,
        verifiedName: typeof b.verifiedName === 'string' ? b.verifiedName : `Business ${digits.slice(-4)}`,
        appVersion: typeof b.appVersion === 'string' ? b.appVersion : '2.25.21.78',
        firstUsedAt: ctx.scheduler.now() - (typeof b.daysInUse === 'number' ? b.daysInUse : 365) * DAY_MS,
        facebookPageLinked: b.facebookPageLinked !== false,
        phoneNumberId: signupWorld(ctx).phones[digits]?.phoneNumberId ?? null,
      };
      signupWorld(ctx).phones[digits] = phone;
      ctx.touch();
      return phone;
    });
  };
}
