import type { SandboxContext } from '../core/context.ts';
import { emitAccountUpdate } from '../phone/lifecycle.ts';
import type { NumberState } from '../world/types.ts';
import { DAY_MS } from '../world/world.ts';

/** The sandbox's Meta app and its Facebook Login for Business configuration (any config id is accepted). */
export const SIGNUP_DEFAULTS = {
  appId: '1066870047736218',
  configId: '918273645546372',
} as const;

/** A phone running the WhatsApp Business app that Embedded Signup can connect. */
export interface BusinessPhone {
  displayPhoneNumber: string;
  verifiedName: string;
  appVersion: string;
  /** Sandbox time the number was first used in the app (eligibility: 7 days). */
  firstUsedAt: number;
  facebookPageLinked: boolean;
  /** The Cloud API number it became, once connected. */
  phoneNumberId: string | null;
}

export type SignupStep =
  | 'login'
  | 'number'
  | 'awaiting_scan'
  | 'scanned'
  | 'finished'
  | 'cancelled'
  | 'error';

export interface SignupSession {
  id: string;
  createdAt: number;
  /** Where the result may be posted (the page that opened the popup). */
  origin: string;
  step: SignupStep;
  displayPhoneNumber: string | null;
  pairingCode: string | null;
  shareHistory: boolean;
  error: { code: number; message: string } | null;
  result: { wabaId: string; phoneNumberId: string; code: string } | null;
}

export interface SignupWorld {
  phones: Record<string, BusinessPhone>;
  sessions: Record<string, SignupSession>;
  /** Authorization codes: one use, ten minutes. */
  codes: Record<string, { wabaId: string; issuedAt: number; used: boolean }>;
  /** Business tokens issued by the code exchange, by token. */
  tokens: Record<string, { wabaId: string; issuedAt: number }>;
  /** WABAs created by a signup whose PARTNER_ADDED was sent (on the app's first subscription). */
  announced: Record<string, boolean>;
}

/** Meta's coexistence refusals as the sandbox gives them in the signup popup (and as `ERROR` events). */
export const SIGNUP_ERRORS = {
  notOnApp: { code: 2388001, message: 'This phone number is not registered on the WhatsApp Business app.' },
  country: {
    code: 2388090,
    message: 'Numbers from this country cannot use the WhatsApp Business app and the Cloud API together.',
  },
  oldApp: {
    code: 2388091,
    message: 'Update the WhatsApp Business app to version 2.24.17 or later, then try again.',
  },
  tooNew: {
    code: 2388092,
    message:
      'This number has not been used in the WhatsApp Business app long enough. Try again after 7 days of use.',
  },
  taken: { code: 2388093, message: 'This number is already connected to the Cloud API.' },
} as const;

export const UNSUPPORTED_CALLING_CODES = ['234', '27'];
const MIN_VERSION = [2, 24, 17];

/** The business-app phones a fresh sandbox has: one eligible, one per refusal. */
function defaultPhones(now: number): Record<string, BusinessPhone> {
  const phone = (p: Omit<BusinessPhone, 'phoneNumberId'>): BusinessPhone => ({ ...p, phoneNumberId: null });
  return {
    '447700900123': phone({
      displayPhoneNumber: '447700900123',
      verifiedName: 'Bloom Florist',
      appVersion: '2.25.21.78',
      firstUsedAt: now - 400 * DAY_MS,
      facebookPageLinked: true,
    }),
    '2348031234567': phone({
      displayPhoneNumber: '2348031234567',
      verifiedName: 'Lagos Bakes',
      appVersion: '2.25.21.78',
      firstUsedAt: now - 300 * DAY_MS,
      facebookPageLinked: true,
    }),
    '15550100042': phone({
      displayPhoneNumber: '15550100042',
      verifiedName: 'Old App Cafe',
      appVersion: '2.24.9.11',
      firstUsedAt: now - 200 * DAY_MS,
      facebookPageLinked: true,
    }),
    '15550100077': phone({
      displayPhoneNumber: '15550100077',
      verifiedName: 'Brand New Shop',
      appVersion: '2.25.21.78',
      firstUsedAt: now - 3 * DAY_MS,
      facebookPageLinked: false,
    }),
  };
}

/** The signup part of the world, created on first use (older snapshots have none). */
export function signupWorld(ctx: SandboxContext): SignupWorld {
  const w = ctx.world as { signup?: SignupWorld };
  w.signup ??= {
    phones: defaultPhones(ctx.scheduler.now()),
    sessions: {},
    codes: {},
    tokens: {},
    announced: {},
  };
  return w.signup;
}

function versionOk(v: string): boolean {
  const parts = v.split('.').map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < MIN_VERSION.length; i++) {
    const a = parts[i] ?? 0;
    const b = MIN_VERSION[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** Meta's checks when the business enters its number; null = eligible. */
export function refusalFor(ctx: SandboxContext, digits: string): { code: number; message: string } | null {
  const phone = signupWorld(ctx).phones[digits];
  if (!phone) return SIGNUP_ERRORS.notOnApp;
  if (UNSUPPORTED_CALLING_CODES.some((c) => digits.startsWith(c))) return SIGNUP_ERRORS.country;
  if (!versionOk(phone.appVersion)) return SIGNUP_ERRORS.oldApp;
  if (ctx.scheduler.now() - phone.firstUsedAt < 7 * DAY_MS) return SIGNUP_ERRORS.tooNew;
  if (phone.phoneNumberId && ctx.world.numbers[phone.phoneNumberId]?.connected) return SIGNUP_ERRORS.taken;
  return null;
}

/**
 * The phone scanned the QR code and confirmed: a WABA and a Cloud API number are created for the
 * business-app phone (connected, onboarded now: the 24-hour sync window starts), with the
 * customers of the world in its phone book; an authorization code is issued for the popup.
 */
export function finishSignup(ctx: SandboxContext, session: SignupSession): SignupSession['result'] {
  const sw = signupWorld(ctx);
  const phone = session.displayPhoneNumber ? sw.phones[session.displayPhoneNumber] : undefined;
  if (!phone) return null;
  const now = ctx.scheduler.now();
  const existing = phone.phoneNumberId ? ctx.world.numbers[phone.phoneNumberId] : undefined;
  const number: NumberState = existing ?? {
    wabaId: ctx.ids.objectId(15),
    phoneNumberId: ctx.ids.objectId(15),
    displayPhoneNumber: phone.displayPhoneNumber,
    verifiedName: phone.verifiedName,
    coexistence: true,
    throughputMps: 20,
    connected: true,
    onboardedAt: now,
    lastAppOpenAt: now,
    contactsSyncRequestedAt: null,
    historySyncRequestedAt: null,
    historySharing: 'accept',
    disconnectReason: null,
    webhookOverride: null,
  };
  number.connected = true;
  number.disconnectReason = null;
  number.onboardedAt = now;
  number.lastAppOpenAt = now;
  number.contactsSyncRequestedAt = null;
  number.historySyncRequestedAt = null;
  number.historySharing = session.shareHistory ? 'accept' : 'decline';
  ctx.world.numbers[number.phoneNumberId] = number;
  phone.phoneNumberId = number.phoneNumberId;
  ctx.world.phoneContacts[number.phoneNumberId] ??= {};
  const book = ctx.world.phoneContacts[number.phoneNumberId] ?? {};
  for (const c of Object.values(ctx.world.customers)) {
    book[c.waId] ??= {
      phoneNumber: c.waId,
      fullName: c.name,
      firstName: c.name.split(' ')[0] ?? c.name,
      updatedAt: now,
    };
  }
  // The app is not subscribed to the new WABA until the partner calls subscribed_apps.
  ctx.world.subscribedApps[number.wabaId] ??= false;
  sw.announced[number.wabaId] = false;
  const code = `AQ${ctx.ids.hex(24)}`;
  sw.codes[code] = { wabaId: number.wabaId, issuedAt: now, used: false };
  ctx.touch();
  return { wabaId: number.wabaId, phoneNumberId: number.phoneNumberId, code };
}

/** Called when an app subscribes to a WABA: a WABA fresh from a signup sends PARTNER_ADDED once. */
export function announcePartner(ctx: SandboxContext, wabaId: string): void {
  const sw = (ctx.world as { signup?: SignupWorld }).signup;
  if (sw?.announced[wabaId] !== false) return;
  const number = Object.values(ctx.world.numbers).find((n) => n.wabaId === wabaId);
  if (!number) return;
  sw.announced[wabaId] = true;
  emitAccountUpdate(ctx, number, {
    event: 'PARTNER_ADDED',
    waba_info: { waba_id: wabaId, owner_business_id: ctx.ids.objectId(15) },
  });
}

/** Whether a token is a business token issued by the code exchange. */
export function isIssuedToken(ctx: SandboxContext, token: string): boolean {
  const sw = (ctx.world as { signup?: SignupWorld }).signup;
  return sw !== undefined && Object.hasOwn(sw.tokens, token);
}
