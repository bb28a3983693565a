import { GraphError } from './errors.ts';
import { isObj } from './validate-send.ts';

type Obj = Record<string, unknown>;

const OTP_TYPES = ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'];
/** An Android package name: two or more segments, each starting with a letter, of [A-Za-z0-9_]. */
const PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
/** An app signing key hash: exactly 11 characters of [A-Za-z0-9+/=]. */
const SIGNATURE = /^[A-Za-z0-9+/=]{11}$/;

/** Meta's fixed wording of an authentication template, in the template's language (English otherwise). */
const TEXTS: Record<string, { body: string; security: string; expiry: (n: number) => string; copy: string }> =
  {
    en: {
      body: '*{{1}}* is your verification code.',
      security: 'For your security, do not share this code.',
      expiry: (n) => `This code expires in ${n} minutes.`,
      copy: 'Copy code',
    },
    es: {
      body: 'Tu código de verificación es *{{1}}*.',
      security: 'Por tu seguridad, no lo compartas.',
      expiry: (n) => `Este código caduca en ${n} minutos.`,
      copy: 'Copiar código',
    },
    pt: {
      body: 'Seu código de verificação é *{{1}}*.',
      security: 'Para sua segurança, não o compartilhe.',
      expiry: (n) => `Este código expira em ${n} minutos.`,
      copy: 'Copiar código',
    },
  };

const invalid = (details: string) => new GraphError(100, { message: 'Invalid parameter', details });

function checkApps(button: Obj, otpType: string): Obj[] {
  // The older shape puts one app's package_name and signature_hash on the button itself.
  const apps: unknown =
    button.supported_apps ??
    (button.package_name !== undefined || button.signature_hash !== undefined
      ? [{ package_name: button.package_name, signature_hash: button.signature_hash }]
      : undefined);
  if (!Array.isArray(apps) || apps.length === 0)
    throw invalid(
      `A ${otpType} button needs supported_apps: your Android app's package_name and signature_hash.`,
    );
  if (apps.length > 5) throw invalid('supported_apps has at most 5 apps.');
  return apps.map((app, i) => {
    if (!isObj(app)) throw invalid(`supported_apps[${i}] must be an object.`);
    const pkg = app.package_name;
    const hash = app.signature_hash;
    if (typeof pkg !== 'string' || pkg.length > 224 || !PACKAGE.test(pkg))
      throw invalid(
        `supported_apps[${i}].package_name must have at least two segments separated by dots, each starting with a letter, of letters, digits and underscores (at most 224 characters).`,
      );
    if (typeof hash !== 'string' || !SIGNATURE.test(hash))
      throw invalid(
        `supported_apps[${i}].signature_hash must be exactly 11 characters of letters, digits, +, / and =.`,
      );
    return { package_name: pkg, signature_hash: hash };
  });
}

function checkLabel(button: Obj, key: string): string | undefined {
  const v = button[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > 25)
    throw invalid(`The button's ${key} must be 1 to 25 characters.`);
  return v;
}

/**
 * Checks an AUTHENTICATION template's components as Meta does and returns them as Meta stores and
 * lists them: the preset body text (with the security recommendation when asked), the footer's
 * expiry warning, and one OTP button. Authentication templates take no header, no body or footer
 * text of their own and exactly one OTP button (copy code, one-tap autofill or zero-tap); one-tap
 * and zero-tap need the Android app (`supported_apps`), zero-tap its terms accepted.
 */
export function checkAuthenticationComponents(components: Obj[], language: string): Obj[] {
  const by = (type: string) => components.filter((c) => String(c.type).toUpperCase() === type);
  const other = components.find((c) => !['BODY', 'FOOTER', 'BUTTONS'].includes(String(c.type).toUpperCase()));
  if (other)
    throw invalid(`Authentication templates do not support a ${String(other.type).toUpperCase()} component.`);
  const [body, ...moreBodies] = by('BODY');
  if (!body || moreBodies.length > 0) throw invalid('An authentication template needs one BODY component.');
  if (body.text !== undefined)
    throw invalid(
      'The body of an authentication template is preset: leave out text and set add_security_recommendation instead.',
    );
  const security = body.add_security_recommendation ?? false;
  if (typeof security !== 'boolean') throw invalid('add_security_recommendation must be true or false.');
  const [footer, ...moreFooters] = by('FOOTER');
  if (moreFooters.length > 0) throw invalid('An authentication template has at most one FOOTER component.');
  let expiry: number | undefined;
  if (footer) {
    if (footer.text !== undefined)
      throw invalid(
        'The footer of an authentication template is preset: leave out text and set code_expiration_minutes instead.',
      );
    const minutes = footer.code_expiration_minutes;
    if (minutes !== undefined) {
      if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > 90)
        throw invalid('code_expiration_minutes must be a whole number from 1 to 90.');
      expiry = minutes;
    }
  }
  const [buttons, ...moreButtons] = by('BUTTONS');
  const list = buttons && Array.isArray(buttons.buttons) ? buttons.buttons : [];
  if (moreButtons.length > 0 || list.length !== 1 || !isObj(list[0]))
    throw invalid('An authentication template needs exactly one button, of type OTP.');
  const button = list[0] as Obj;
  if (String(button.type).toUpperCase() !== 'OTP')
    throw invalid(`Authentication templates support only an OTP button, not ${String(button.type)}.`);
  const otpType = String(button.otp_type ?? '').toUpperCase();
  if (!OTP_TYPES.includes(otpType)) throw invalid(`Param otp_type must be one of {${OTP_TYPES.join(', ')}}.`);
  const texts = TEXTS[language.split('_')[0] ?? 'en'] ?? TEXTS.en!;
  const stored: Obj = {
    type: 'OTP',
    otp_type: otpType,
    text: checkLabel(button, 'text') ?? texts.copy,
  };
  if (otpType !== 'COPY_CODE') {
    stored.supported_apps = checkApps(button, otpType);
    const autofill = checkLabel(button, 'autofill_text');
    if (autofill) stored.autofill_text = autofill;
  }
  if (otpType === 'ZERO_TAP') {
    if (button.zero_tap_terms_accepted !== true)
      throw invalid(
        'zero_tap_terms_accepted must be true: accept the zero-tap terms before creating a zero-tap template.',
      );
    stored.zero_tap_terms_accepted = true;
  }
  const out: Obj[] = [
    {
      type: 'BODY',
      text: security ? `${texts.body} ${texts.security}` : texts.body,
      add_security_recommendation: security,
    },
  ];
  if (expiry !== undefined)
    out.push({ type: 'FOOTER', text: texts.expiry(expiry), code_expiration_minutes: expiry });
  out.push({ type: 'BUTTONS', buttons: [stored] });
  return out;
}

/** `message_send_ttl_seconds` of an authentication template: 30 to 900 seconds (-1: the default, 10 minutes). */
export function checkAuthenticationTtl(ttl: unknown): void {
  if (ttl === undefined || ttl === -1) return;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 30 || ttl > 900)
    throw invalid('message_send_ttl_seconds of an authentication template must be from 30 to 900 seconds.');
}
