import type { AppDeps } from '../app-deps.ts';
import { wabaOrganisation } from '../auth/organisation-scope.ts';
import type { Principal } from '../auth/principal.ts';
import { AppError } from '../platform/errors.ts';
import { parseJsonOr } from '../platform/json.ts';
import { isoOrNull } from '../platform/time.ts';
import type { OnboardingStep } from './complete-signup.ts';
import type { EligibilityReport } from './eligibility.ts';
import type { OnboardingState } from './onboarding.table.ts';
import { type SyncStatus, syncStatusOf } from './sync-status.ts';

/** An onboarding as the wizard shows it: its steps, then what Meta has sent since. */
export type OnboardingView = {
  readonly id: string;
  readonly state: OnboardingState;
  readonly eligibility: EligibilityReport;
  readonly waba_id: string | null;
  readonly phone_number_id: string | null;
  readonly steps: OnboardingStep[];
  readonly error: unknown;
  readonly created_at: string;
  readonly number: {
    readonly display_phone_number: string;
    readonly verified_name: string | null;
    readonly connection_state: string;
  } | null;
  /** `account_update` PARTNER_ADDED / PARTNER_APP_INSTALLED received for the WABA. */
  readonly partner_added: boolean;
  readonly syncs: SyncStatus[];
  readonly contacts_received: number;
  readonly history_messages: number;
  /** The first message the owner sent from the app since the connection (an echo), if any. */
  readonly first_echo: { readonly text: string | null; readonly at: string } | null;
};

/** One onboarding with its live progress; NOT_FOUND outside the principal's business accounts. */
export async function getOnboarding(
  deps: AppDeps,
  input: { principal: Principal; sessionId: string },
): Promise<OnboardingView> {
  const db = deps.database.db;
  const s = await db
    .selectFrom('onboarding_sessions')
    .selectAll()
    .where('id', '=', input.sessionId)
    .executeTakeFirst();
  if (!s) throw new AppError('NOT_FOUND', 'No such onboarding.');
  const wabas = input.principal.wabaIds;
  // Until its business account is the organisation's, an onboarding is seen by whoever started it.
  const starter = s.created_by !== null && s.created_by === (input.principal.userId ?? input.principal.id);
  const claimed = s.waba_id === null ? undefined : await wabaOrganisation(db, s.waba_id);
  const visible =
    wabas === null ||
    (s.waba_id !== null && wabas.includes(s.waba_id)) ||
    (starter && (claimed === undefined || claimed === null));
  if (!visible) throw new AppError('NOT_FOUND', 'No such onboarding.');
  const number = s.phone_number_id
    ? await db
        .selectFrom('phone_numbers')
        .select(['display_phone_number', 'verified_name', 'connection_state', 'onboarded_at'])
        .where('id', '=', s.phone_number_id)
        .executeTakeFirst()
    : undefined;
  const partner = s.waba_id
    ? await db
        .selectFrom('account_events')
        .select('id')
        .where('waba_id', '=', s.waba_id)
        .where('event', 'in', ['PARTNER_ADDED', 'PARTNER_APP_INSTALLED'])
        .executeTakeFirst()
    : undefined;
  let syncs: SyncStatus[] = [];
  let contacts = 0;
  let history = 0;
  let firstEcho: OnboardingView['first_echo'] = null;
  if (s.phone_number_id && number) {
    const pnid = s.phone_number_id;
    syncs = await syncStatusOf(deps, { principal: input.principal, phoneNumberId: pnid });
    const c = await db
      .selectFrom('contacts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_number_id', '=', pnid)
      .where('address_book_name', 'is not', null)
      .executeTakeFirst();
    contacts = Number(c?.n ?? 0);
    const h = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_number_id', '=', pnid)
      .where('origin', '=', 'history')
      .executeTakeFirst();
    history = Number(h?.n ?? 0);
    const echo = await db
      .selectFrom('messages')
      .select(['content_json', 'timestamp'])
      .where('phone_number_id', '=', pnid)
      .where('origin', '=', 'business_app')
      .where('timestamp', '>=', Number(number.onboarded_at ?? 0))
      .orderBy('timestamp')
      .executeTakeFirst();
    if (echo) {
      const content = parseJsonOr<{ body?: unknown } | null>(echo.content_json, null);
      firstEcho = {
        text: typeof content?.body === 'string' ? content.body : null,
        at: new Date(Number(echo.timestamp)).toISOString(),
      };
    }
  }
  return {
    id: s.id,
    state: s.state,
    eligibility: parseJsonOr<EligibilityReport>(s.eligibility_json, {
      eligible: false,
      phoneDigits: '',
      items: [],
    }),
    waba_id: s.waba_id,
    phone_number_id: s.phone_number_id,
    steps: parseJsonOr<OnboardingStep[]>(s.steps_json, []),
    error: parseJsonOr<unknown>(s.error_json, null),
    created_at: isoOrNull(s.created_at) ?? '',
    number: number
      ? {
          display_phone_number: number.display_phone_number,
          verified_name: number.verified_name,
          connection_state: number.connection_state,
        }
      : null,
    partner_added: partner !== undefined,
    syncs,
    contacts_received: contacts,
    history_messages: history,
    first_echo: firstEcho,
  };
}
