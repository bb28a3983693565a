import type { SandboxContext } from '../core/context.ts';
import type { CustomerState, NumberState } from '../world/types.ts';
import { addCustomer } from '../world/world.ts';
import { GraphError } from './errors.ts';

type Obj = Record<string, unknown>;

// ITU calling codes of two digits; `1` and `7` have one, every other code has three.
const TWO_DIGIT_CODES = new Set(
  '20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98'.split(
    ' ',
  ),
);

/** The calling code a full international number (digits only) starts with. */
export function countryCodeOf(digits: string): string {
  if (digits.startsWith('1') || digits.startsWith('7')) return digits[0]!;
  const two = digits.slice(0, 2);
  return TWO_DIGIT_CODES.has(two) ? two : digits.slice(0, 3);
}

/**
 * Resolves `to` as Meta does (cloud-api.md §3.1): `+`, `-`, `()`, `.` and spaces are dropped; a
 * number written with `+` (or `00`) is international; one without is taken as a national number of
 * the business number's country when it has that country's national length (a leading trunk `0`
 * dropped), and gets the business number's calling code — so `6505551234` sent from a `+1` number
 * lands in the chat of `16505551234`. Anything else is taken as already international.
 * Returns the wa_id (digits), or null when `to` is not a phone number.
 */
export function resolvePhone(to: string, businessNumber: string): string | null {
  const trimmed = to.trim();
  const international = trimmed.startsWith('+') || trimmed.startsWith('00');
  let digits = trimmed.replace(/[\s+\-().]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  if (!international) {
    const code = countryCodeOf(businessNumber);
    const nationalLength = businessNumber.length - code.length;
    const national = digits.startsWith('0') && code !== '1' ? digits.slice(1) : digits;
    // A North American national number never starts with 0 or 1.
    const plausible = code !== '1' || !/^[01]/.test(national);
    if (national.length === nationalLength && plausible) digits = code + national;
  } else if (trimmed.startsWith('00')) {
    digits = digits.slice(2);
  }
  return /^\d{7,15}$/.test(digits) ? digits : null;
}

/**
 * The recipient of a send: `recipient` (a BSUID) or `to`. A number that is not a configured
 * customer is added as not on WhatsApp (the send then fails with 131026), unless
 * `unknownRecipients: 'create'` makes it a customer on WhatsApp.
 */
export function resolveRecipient(
  ctx: SandboxContext,
  number: NumberState,
  body: Obj,
): { input: string; customer: CustomerState } {
  if (
    body.recipient_type !== undefined &&
    body.recipient_type !== 'individual' &&
    body.recipient_type !== 'group'
  ) {
    throw new GraphError(100, { details: "Param recipient_type must be 'individual' or 'group'." });
  }
  if (typeof body.recipient === 'string' && body.to === undefined) {
    const customer = Object.values(ctx.world.customers).find((c) => c.bsuid === body.recipient);
    if (!customer)
      throw new GraphError(131026, { details: 'No WhatsApp user has this business-scoped user id.' });
    return { input: body.recipient, customer };
  }
  if (typeof body.to !== 'string' || !body.to) {
    throw new GraphError(100, {
      message: 'The parameter to is required.',
      details: 'The parameter to is required.',
    });
  }
  const waId = resolvePhone(body.to, number.displayPhoneNumber);
  if (!waId) throw new GraphError(100, { details: `Param to is not a valid phone number: ${body.to}` });
  if (waId === number.displayPhoneNumber) throw new GraphError(131021);
  const customer =
    ctx.world.customers[waId] ??
    addCustomer(ctx.world, {
      waId,
      name: `Customer ${waId.slice(-4)}`,
      onWhatsApp: ctx.options.unknownRecipients === 'create',
    });
  return { input: body.to, customer };
}
