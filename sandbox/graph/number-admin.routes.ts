import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../core/context.ts';
import type { NumberState } from '../world/types.ts';
import { DAY_MS } from '../world/world.ts';
import { GraphError, unexpectedKey } from './errors.ts';
import { unknownNode } from './server.ts';
import { isObj } from './validate-send.ts';

type Obj = Record<string, unknown>;

/** `vertical` values of the business profile (Meta's list). */
export const VERTICALS = [
  'UNDEFINED',
  'OTHER',
  'ALCOHOL',
  'APPAREL',
  'AUTO',
  'BEAUTY',
  'EDU',
  'ENTERTAIN',
  'EVENT_PLAN',
  'FINANCE',
  'GOVT',
  'GROCERY',
  'HEALTH',
  'HOTEL',
  'NONPROFIT',
  'ONLINE_GAMBLING',
  'OTC_DRUGS',
  'PHYSICAL_GAMBLING',
  'PROF_SERVICES',
  'RESTAURANT',
  'RETAIL',
  'TRAVEL',
] as const;

const PROFILE_FIELDS = [
  'about',
  'address',
  'description',
  'email',
  'profile_picture_url',
  'websites',
  'vertical',
] as const;

/** Register and deregister calls allowed per number in 72 hours (133016 beyond). */
const REGISTRATION_LIMIT = 10;

const required = (param: string) =>
  new GraphError(100, {
    message: `The parameter ${param} is required.`,
    details: `The parameter ${param} is required.`,
  });
const invalid = (details: string) => new GraphError(100, { message: 'Invalid parameter', details });

function bodyOf(body: unknown): Obj {
  return isObj(body) ? body : {};
}

function requireProduct(b: Obj): void {
  if (b.messaging_product === undefined) throw required('messaging_product');
  if (b.messaging_product !== 'whatsapp') throw invalid("Param messaging_product must be 'whatsapp'.");
}

function optionalText(b: Obj, key: string, max: number, min = 0): void {
  const v = b[key];
  if (v === undefined) return;
  if (typeof v !== 'string') throw invalid(`Param ${key} must be a string.`);
  const n = [...v].length;
  if (n < min || n > max) throw invalid(`Param ${key} must be between ${min} and ${max} characters long.`);
}

/** Checks a two-step verification PIN: six digits. */
export function checkPin(pin: unknown): string {
  if (pin === undefined || pin === null || pin === '') throw required('pin');
  if (typeof pin !== 'string' || !/^\d{6}$/.test(pin)) throw invalid('Param pin must be a 6-digit number.');
  return pin;
}

/** `POST /{phone-number-id}` with `{ pin }`: sets the two-step verification PIN. */
export function setTwoStepPin(ctx: SandboxContext, number: NumberState, body: Obj): Obj {
  number.pin = checkPin(body.pin);
  ctx.touch();
  return { success: true };
}

function profileOf(number: NumberState): Obj {
  return {
    about: 'Hello! We use WhatsApp.',
    address: '',
    description: '',
    email: '',
    profile_picture_url: '',
    websites: [],
    vertical: 'UNDEFINED',
    ...(number.profile ?? {}),
  };
}

function updateProfile(ctx: SandboxContext, number: NumberState, b: Obj): Obj {
  requireProduct(b);
  optionalText(b, 'about', 139, 1);
  optionalText(b, 'address', 256);
  optionalText(b, 'description', 512);
  optionalText(b, 'email', 128);
  if (typeof b.email === 'string' && b.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(b.email))
    throw invalid('Param email must be a valid email address.');
  if (b.vertical !== undefined && !(VERTICALS as readonly unknown[]).includes(b.vertical))
    throw invalid(`Param vertical must be one of {${VERTICALS.join(', ')}} - got "${String(b.vertical)}".`);
  if (b.websites !== undefined) {
    if (!Array.isArray(b.websites) || b.websites.length > 2)
      throw invalid('Param websites must be an array of at most 2 URLs.');
    for (const w of b.websites) {
      if (typeof w !== 'string' || w.length > 256 || !/^https?:\/\//i.test(w))
        throw invalid(
          'Param websites must contain URLs starting with http:// or https://, of at most 256 characters.',
        );
    }
  }
  if (b.profile_picture_handle !== undefined && typeof b.profile_picture_handle !== 'string')
    throw invalid('Param profile_picture_handle must be a string.');
  const next: Obj = { ...(number.profile ?? {}) };
  for (const key of ['about', 'address', 'description', 'email', 'vertical', 'websites'] as const) {
    if (b[key] !== undefined) next[key] = b[key];
  }
  if (typeof b.profile_picture_handle === 'string')
    next.profile_picture_url = `https://pps.whatsapp.net/v/sandbox/${encodeURIComponent(b.profile_picture_handle)}`;
  number.profile = next;
  ctx.touch();
  return { success: true };
}

/** Counts a register/deregister call; 133016 beyond 10 in 72 hours, as Meta limits them. */
function countRegistration(ctx: SandboxContext, number: NumberState): void {
  const now = ctx.scheduler.now();
  const recent = (number.registrationCalls ?? []).filter((t) => now - t < 3 * DAY_MS);
  if (recent.length >= REGISTRATION_LIMIT) {
    throw new GraphError(133016, {
      message: 'Account register deregister rate limit exceeded',
      details:
        'Registration or deregistration failed because there were too many attempts for this phone number in a short period of time.',
    });
  }
  number.registrationCalls = [...recent, now];
}

const SETTINGS_SPEC: Record<string, Record<string, readonly string[] | null>> = {
  calling: {
    status: ['ENABLED', 'DISABLED'],
    call_icon_visibility: ['DEFAULT', 'DISABLE_ALL'],
    callback_permission_status: ['ENABLED', 'DISABLED'],
    call_hours: null,
    sip: null,
  },
  storage_configuration: {
    status: ['DEFAULT', 'IN_COUNTRY_STORAGE_ENABLED'],
    data_localization_region: null,
  },
  payload_encryption: { status: ['ENABLED', 'DISABLED'] },
};

function defaultSettings(): Obj {
  return {
    calling: { status: 'DISABLED', call_icon_visibility: 'DEFAULT', callback_permission_status: 'DISABLED' },
    storage_configuration: { status: 'DEFAULT' },
  };
}

function updateSettings(ctx: SandboxContext, number: NumberState, b: Obj): Obj {
  const next = structuredClone(number.settings ?? defaultSettings()) as Record<string, Obj>;
  for (const [group, value] of Object.entries(b)) {
    const spec = SETTINGS_SPEC[group];
    if (!spec) continue; // Graph ignores top-level parameters it does not know.
    if (!isObj(value)) throw invalid(`Param ${group} must be an object.`);
    for (const [key, v] of Object.entries(value)) {
      if (!(key in spec)) throw unexpectedKey(key, group);
      const allowed = spec[key];
      if (allowed && !allowed.includes(String(v)))
        throw invalid(
          `Param ${group}['${key}'] must be one of {${allowed.join(', ')}} - got "${String(v)}".`,
        );
    }
    if (group === 'storage_configuration' && value.status === 'IN_COUNTRY_STORAGE_ENABLED') {
      if (
        typeof value.data_localization_region !== 'string' ||
        !/^[A-Z]{2}$/.test(value.data_localization_region)
      )
        throw invalid(
          "Param storage_configuration['data_localization_region'] must be a 2-letter country code.",
        );
    }
    next[group] = { ...(next[group] ?? {}), ...value };
  }
  number.settings = next;
  ctx.touch();
  return { success: true };
}

/**
 * Phone-number management calls client libraries make: business profile, register, deregister,
 * request and verify a code, and settings. Each validates its body as Meta does.
 */
export function numberAdminRoutes(ctx: SandboxContext) {
  const numberOf = (params: unknown, method: string): NumberState => {
    const { id } = params as { id: string };
    const n = ctx.world.numbers[id];
    if (!n) throw unknownNode(id, method);
    return n;
  };
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/:version/:id/whatsapp_business_profile', async (req) => {
      const n = numberOf(req.params, 'get');
      const q = req.query as Obj;
      const asked =
        typeof q.fields === 'string' && q.fields.trim()
          ? q.fields.split(',').map((f) => f.trim())
          : [...PROFILE_FIELDS];
      const full = profileOf(n);
      const row: Obj = {};
      for (const f of asked) {
        if (!(PROFILE_FIELDS as readonly string[]).includes(f))
          throw invalid(`Tried accessing nonexisting field (${f}) on node type (WhatsAppBusinessProfile)`);
        row[f] = full[f];
      }
      row.messaging_product = 'whatsapp';
      return { data: [row] };
    });
    app.post('/:version/:id/whatsapp_business_profile', async (req) =>
      updateProfile(ctx, numberOf(req.params, 'post'), bodyOf(req.body)),
    );

    app.post('/:version/:id/register', async (req) => {
      const n = numberOf(req.params, 'post');
      const b = bodyOf(req.body);
      requireProduct(b);
      const pin = checkPin(b.pin);
      if (b.data_localization_region !== undefined) {
        if (typeof b.data_localization_region !== 'string' || !/^[A-Z]{2}$/.test(b.data_localization_region))
          throw invalid('Param data_localization_region must be a 2-letter country code.');
      }
      countRegistration(ctx, n);
      // With two-step verification on, registering needs that PIN; without, the PIN given becomes it.
      if (n.pin && n.pin !== pin) {
        ctx.touch();
        throw new GraphError(133005, {
          message: 'Two step verification PIN Mismatch',
          details: 'The two-step verification PIN is incorrect.',
        });
      }
      n.pin = pin;
      n.registered = true;
      ctx.touch();
      return { success: true };
    });

    app.post('/:version/:id/deregister', async (req) => {
      const n = numberOf(req.params, 'post');
      countRegistration(ctx, n);
      n.registered = false;
      ctx.touch();
      return { success: true };
    });

    app.post('/:version/:id/request_code', async (req) => {
      const n = numberOf(req.params, 'post');
      const b = bodyOf(req.body);
      if (b.code_method === undefined) throw required('code_method');
      if (b.code_method !== 'SMS' && b.code_method !== 'VOICE')
        throw invalid(`Param code_method must be one of {SMS, VOICE} - got "${String(b.code_method)}".`);
      if (typeof b.language !== 'string' || !b.language) throw required('language');
      // The "SMS" the owner would read: visible in /_sandbox/state.
      n.pendingCode = String(ctx.random.int(100_000, 999_999));
      ctx.touch();
      return { success: true };
    });

    app.post('/:version/:id/verify_code', async (req) => {
      const n = numberOf(req.params, 'post');
      const b = bodyOf(req.body);
      if (b.code === undefined || b.code === '') throw required('code');
      if (typeof b.code !== 'string' || !/^\d{6}$/.test(b.code))
        throw invalid('Param code must be a 6-digit number.');
      if (!n.pendingCode || n.pendingCode !== b.code) {
        throw new GraphError(136025, {
          message: "Code couldn't be verified, You have entered wrong code",
          details: n.pendingCode
            ? 'The code does not match the one sent.'
            : 'No code was requested for this number.',
        });
      }
      n.pendingCode = null;
      n.codeVerified = true;
      ctx.touch();
      return { success: true };
    });

    app.get('/:version/:id/settings', async (req) => {
      const n = numberOf(req.params, 'get');
      return n.settings ?? defaultSettings();
    });
    app.post('/:version/:id/settings', async (req) =>
      updateSettings(ctx, numberOf(req.params, 'post'), bodyOf(req.body)),
    );
  };
}
