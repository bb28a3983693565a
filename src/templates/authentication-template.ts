import type { AuthenticationOptions } from './templates.schemas.ts';

type Json = Record<string, unknown>;

const PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
const SIGNATURE = /^[A-Za-z0-9+/=]{11}$/;

/**
 * Meta's preset wording of an authentication template (English for a language not listed). What
 * the hub stores until the template sync brings Meta's own text for the language.
 */
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

/** What Meta refuses in an authentication template, checked before it is submitted. */
export function authenticationProblems(auth: AuthenticationOptions): string[] {
  const problems: string[] = [];
  const apps = auth.supported_apps ?? [];
  if (auth.otp_type !== 'COPY_CODE') {
    if (apps.length === 0)
      problems.push(
        `a ${auth.otp_type.toLowerCase()} button needs your Android app's package name and signature hash`,
      );
    apps.forEach((app, i) => {
      if (!PACKAGE.test(app.package_name))
        problems.push(
          `app ${i + 1}: the package name has two or more parts separated by dots, each starting with a letter (com.example.app)`,
        );
      if (!SIGNATURE.test(app.signature_hash))
        problems.push(`app ${i + 1}: the signature hash is 11 characters of letters, digits, +, / and =`);
    });
  }
  if (auth.otp_type === 'ZERO_TAP' && auth.zero_tap_terms_accepted !== true)
    problems.push('zero-tap: accept the zero-tap terms first');
  return problems;
}

/** The create request's components of an authentication template (Meta fills in the text). */
export function authenticationCreateComponents(auth: AuthenticationOptions): Json[] {
  const button: Json = { type: 'OTP', otp_type: auth.otp_type };
  if (auth.button_text) button.text = auth.button_text;
  if (auth.otp_type !== 'COPY_CODE') {
    if (auth.autofill_text) button.autofill_text = auth.autofill_text;
    button.supported_apps = (auth.supported_apps ?? []).map((a) => ({ ...a }));
  }
  if (auth.otp_type === 'ZERO_TAP') button.zero_tap_terms_accepted = auth.zero_tap_terms_accepted === true;
  const out: Json[] = [
    { type: 'BODY', add_security_recommendation: auth.add_security_recommendation ?? false },
  ];
  if (auth.code_expiration_minutes)
    out.push({ type: 'FOOTER', code_expiration_minutes: auth.code_expiration_minutes });
  out.push({ type: 'BUTTONS', buttons: [button] });
  return out;
}

/**
 * The components as Meta lists an authentication template once created: the preset body text
 * with its `{{1}}` (the code), the expiry footer's text and the OTP button's label. The hub stores
 * these, so the preview, the parameter checks and campaigns see the code variable.
 */
export function authenticationStoredComponents(create: readonly Json[], language: string): Json[] {
  const texts = TEXTS[language.split('_')[0] ?? 'en'] ?? TEXTS.en!;
  return create.map((c) => {
    const type = String(c.type).toUpperCase();
    if (type === 'BODY')
      return { ...c, text: c.add_security_recommendation ? `${texts.body} ${texts.security}` : texts.body };
    if (type === 'FOOTER') return { ...c, text: texts.expiry(Number(c.code_expiration_minutes)) };
    if (type === 'BUTTONS' && Array.isArray(c.buttons))
      return { ...c, buttons: c.buttons.map((b: Json) => ({ ...b, text: b.text ?? texts.copy })) };
    return c;
  });
}

/** Whether a stored button is an authentication template's OTP button (Meta lists it as OTP, or as a URL to its OTP page). */
export function isOtpButton(button: Json): boolean {
  const type = String(button.type ?? '').toUpperCase();
  return type === 'OTP' || (type === 'URL' && /whatsapp\.com\/otp\//.test(String(button.url ?? '')));
}
