/**
 * The eligibility check before Embedded Signup (cloud-api.md §2.1). What the hub can tell itself
 * (the country calling code, against a configurable list) is checked; what only the phone knows
 * (the app version, how long the number has been used, a linked Facebook page) is asked. Meta's
 * own error during Embedded Signup stays authoritative: the age and page items only warn.
 */

/** The minimum WhatsApp Business app version for coexistence. */
export const MIN_APP_VERSION = '2.24.17';
/** Providers report Meta refuses numbers used in the app for less than this. */
export const MIN_DAYS_IN_USE = 7;
/** Meta's March 2026 list (Nigeria, South Africa); configurable, see `COEXIST_COEX_UNSUPPORTED_CODES`. */
export const DEFAULT_UNSUPPORTED_CALLING_CODES = ['234', '27'] as const;

/** What the business answers (the phone number and three questions). */
export type EligibilityAnswers = {
  /** The number in international form, any punctuation (`+44 7700 900123`). */
  readonly phoneNumber: string;
  /** Settings > Help > App info in the WhatsApp Business app, `2.25.3.78`. */
  readonly appVersion: string;
  /** How many days the number has been in use in the WhatsApp Business app. */
  readonly daysInUse: number;
  readonly facebookPageLinked: boolean;
};

export type EligibilityItem = {
  readonly id: 'country' | 'app_version' | 'days_in_use' | 'facebook_page';
  /** `ok`; `blocked` (Meta will refuse: fix it first); `warning` (Meta may refuse). */
  readonly status: 'ok' | 'blocked' | 'warning';
  /** `checked` by the hub, or `asked` (the business's answer). */
  readonly source: 'checked' | 'asked';
  readonly reason: string;
  /** What to do about it; null when ok. */
  readonly fix: string | null;
};

export type EligibilityReport = {
  readonly eligible: boolean;
  readonly phoneDigits: string;
  readonly items: EligibilityItem[];
};

/** `2.24.17` ≤ `2.25.3.78`: compares dotted numeric versions part by part. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version
    .trim()
    .split('.')
    .map((p) => Number.parseInt(p, 10));
  const b = min.split('.').map((p) => Number.parseInt(p, 10));
  if (a.length === 0 || a.some((n) => Number.isNaN(n))) return false;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

function countryItem(digits: string, unsupported: readonly string[]): EligibilityItem {
  if (digits.length < 8 || digits.length > 15) {
    return {
      id: 'country',
      status: 'blocked',
      source: 'checked',
      reason: 'This is not a full international number.',
      fix: 'Enter the number with its country code, as in +44 7700 900123.',
    };
  }
  const code = unsupported.find((c) => digits.startsWith(c));
  if (code) {
    return {
      id: 'country',
      status: 'blocked',
      source: 'checked',
      reason: `Meta does not offer coexistence for numbers with the country code +${code}.`,
      fix: 'Use a number from a supported country, or connect this number to the Cloud API only (without the app).',
    };
  }
  return {
    id: 'country',
    status: 'ok',
    source: 'checked',
    reason: 'The country code is supported.',
    fix: null,
  };
}

/** Checks the answers; `unsupported` is the configured list of calling codes. */
export function checkEligibility(
  answers: EligibilityAnswers,
  unsupported: readonly string[],
): EligibilityReport {
  const digits = answers.phoneNumber.replace(/\D+/g, '').replace(/^00/, '');
  const items: EligibilityItem[] = [countryItem(digits, unsupported)];
  items.push(
    versionAtLeast(answers.appVersion, MIN_APP_VERSION)
      ? {
          id: 'app_version',
          status: 'ok',
          source: 'asked',
          reason: `Version ${answers.appVersion.trim()}.`,
          fix: null,
        }
      : {
          id: 'app_version',
          status: 'blocked',
          source: 'asked',
          reason: `Coexistence needs the WhatsApp Business app ${MIN_APP_VERSION} or later; this phone has ${answers.appVersion.trim() || 'an unknown version'}.`,
          fix: 'Update the WhatsApp Business app from the App Store or Google Play, then start again.',
        },
  );
  items.push(
    answers.daysInUse >= MIN_DAYS_IN_USE
      ? {
          id: 'days_in_use',
          status: 'ok',
          source: 'asked',
          reason: `In use for ${answers.daysInUse} days.`,
          fix: null,
        }
      : {
          id: 'days_in_use',
          status: 'warning',
          source: 'asked',
          reason: `The number has been used in the app for ${answers.daysInUse} days; Meta usually refuses numbers used for less than ${MIN_DAYS_IN_USE}.`,
          fix: `Keep chatting from the app and try again in ${MIN_DAYS_IN_USE - answers.daysInUse} days, or try now: Meta's answer decides.`,
        },
  );
  items.push(
    answers.facebookPageLinked
      ? {
          id: 'facebook_page',
          status: 'ok',
          source: 'asked',
          reason: 'A Facebook page is linked.',
          fix: null,
        }
      : {
          id: 'facebook_page',
          status: 'warning',
          source: 'asked',
          reason: 'No Facebook page is linked to the WhatsApp Business account.',
          fix: 'In the app: Settings > Business tools > Facebook & Instagram, link the business page. Meta may refuse the signup without one.',
        },
  );
  return { eligible: items.every((i) => i.status !== 'blocked'), phoneDigits: digits, items };
}
