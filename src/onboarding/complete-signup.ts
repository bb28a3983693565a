import type { AppDeps } from '../app-deps.ts';
import { assertWabaClaimable } from '../auth/organisation-scope.ts';
import type { Principal } from '../auth/principal.ts';
import type { GraphError } from '../graph/graph-types.ts';
import { registerNumber } from '../numbers/register-number.ts';
import { requestSync, type SyncType } from '../numbers/request-sync.ts';
import { masterKeyringOf } from '../platform/crypto/keyring.ts';
import { AppError } from '../platform/errors.ts';
import type { OnboardingState } from './onboarding.table.ts';
import { storeWabaToken } from './waba-credentials.ts';

/** One connection step and its outcome, as the wizard lists them. */
export type OnboardingStep = {
  readonly step:
    | 'exchange_code'
    | 'subscribe_app'
    | 'read_number'
    | 'register_number'
    | 'request_contacts_sync'
    | 'request_history_sync';
  readonly status: 'done' | 'failed';
  readonly at: number;
  readonly detail: string;
  readonly error?: { code: number | string | null; message: string } | undefined;
};

class StepFailed extends Error {
  constructor(
    readonly step: OnboardingStep['step'],
    message: string,
    readonly error: { code: number | string | null; message: string },
  ) {
    super(message);
  }
}

const graphFailure = (step: OnboardingStep['step'], what: string, e: GraphError) =>
  new StepFailed(step, `${what}: ${e.message}`, { code: e.code, message: e.message });

async function save(
  deps: AppDeps,
  id: string,
  patch: {
    state?: OnboardingState;
    steps?: OnboardingStep[];
    error?: unknown;
    wabaId?: string;
    phoneNumberId?: string;
  },
): Promise<void> {
  await deps.database.db
    .updateTable('onboarding_sessions')
    .set({
      ...(patch.state ? { state: patch.state } : {}),
      ...(patch.steps ? { steps_json: JSON.stringify(patch.steps) } : {}),
      ...(patch.error !== undefined ? { error_json: JSON.stringify(patch.error) } : {}),
      ...(patch.wabaId ? { waba_id: patch.wabaId } : {}),
      ...(patch.phoneNumberId ? { phone_number_id: patch.phoneNumberId } : {}),
      updated_at: deps.clock.now(),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Completes an Embedded Signup with what the popup returned (the code, the WABA and, when Meta
 * sends it, the phone-number id): exchanges the code for the business's token (stored sealed, used
 * for this WABA from then on), subscribes the app to the WABA's webhooks, reads the number
 * (`is_on_biz_app`, `platform_type`: coexistence must be active), files it (never Graph's
 * `/register`: a Business app number is registered already), then requests the contacts and the
 * history sync, contacts first, at once so the 24-hour window is not missed. A failed sync request
 * does not undo the connection; its state machine shows what to do.
 */
export async function completeSignup(
  deps: AppDeps,
  input: {
    principal: Principal;
    sessionId: string;
    code: string;
    wabaId: string;
    phoneNumberId?: string | undefined;
  },
): Promise<void> {
  const { principal, sessionId, wabaId } = input;
  // Before any token is stored for it: the account must be the caller's organisation's or nobody's.
  await assertWabaClaimable(deps.database.db, principal, wabaId);
  const claimed = await deps.database.db
    .updateTable('onboarding_sessions')
    .set({ state: 'connecting', waba_id: wabaId, updated_at: deps.clock.now() })
    .where('id', '=', sessionId)
    .where('state', '=', 'signup')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) {
    const exists = await deps.database.db
      .selectFrom('onboarding_sessions')
      .select('state')
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!exists) throw new AppError('NOT_FOUND', 'No such onboarding.');
    throw new AppError('CONFLICT', 'This signup was completed already; start a new one to connect again.');
  }
  const steps: OnboardingStep[] = [];
  const done = async (step: OnboardingStep['step'], detail: string) => {
    steps.push({ step, status: 'done', at: deps.clock.now(), detail });
    await save(deps, sessionId, { steps });
  };
  try {
    const phoneNumberId = await connect(deps, { ...input, done });
    await save(deps, sessionId, { state: 'connected', phoneNumberId });
    for (const [syncType, step] of [
      ['smb_app_state_sync', 'request_contacts_sync'],
      ['history', 'request_history_sync'],
    ] as const) {
      await requestOne(deps, { principal, phoneNumberId, syncType, step, steps });
      await save(deps, sessionId, { steps });
    }
  } catch (error) {
    if (!(error instanceof StepFailed) && !(error instanceof AppError)) throw error;
    const failed =
      error instanceof StepFailed
        ? { step: error.step, error: error.error }
        : { step: 'register_number' as const, error: { code: error.code, message: error.message } };
    steps.push({
      step: failed.step,
      status: 'failed',
      at: deps.clock.now(),
      detail: error.message,
      error: failed.error,
    });
    await save(deps, sessionId, { state: 'failed', steps, error: failed.error });
  }
}

async function connect(
  deps: AppDeps,
  input: {
    principal: Principal;
    sessionId: string;
    code: string;
    wabaId: string;
    phoneNumberId?: string | undefined;
    done: (step: OnboardingStep['step'], detail: string) => Promise<void>;
  },
): Promise<string> {
  const { wabaId, done } = input;
  const { metaAppId, metaAppSecret } = deps.config;
  if (!metaAppId) throw new AppError('ONBOARDING_NOT_CONFIGURED');
  const exchanged = await deps.graph.exchangeCode({
    appId: metaAppId,
    appSecret: metaAppSecret,
    code: input.code,
  });
  if (!exchanged.ok) throw graphFailure('exchange_code', 'Meta did not exchange the code', exchanged.error);
  await storeWabaToken(deps.database.db, {
    keyring: masterKeyringOf(deps.config),
    wabaId,
    token: exchanged.value.accessToken,
    now: deps.clock.now(),
  });
  deps.graph.forgetCachedTokens();
  await done('exchange_code', 'Business token received and stored encrypted for this WABA.');

  const subscribed = await deps.graph.subscribeApp(wabaId);
  if (!subscribed.ok)
    throw graphFailure('subscribe_app', 'The app could not subscribe to the WABA', subscribed.error);
  await done('subscribe_app', "The app receives this WABA's webhooks.");

  let phoneNumberId = input.phoneNumberId;
  if (!phoneNumberId) {
    // Meta's finish message may carry only the WABA: a coexistence WABA holds one number.
    const listed = await deps.graph.listPhoneNumberIds(wabaId);
    if (!listed.ok) throw graphFailure('read_number', "The WABA's numbers could not be read", listed.error);
    phoneNumberId = listed.value[0];
    if (!phoneNumberId) {
      throw new StepFailed('read_number', 'The WABA has no phone number.', {
        code: null,
        message: 'no number',
      });
    }
  }
  await deps.database.db
    .updateTable('onboarding_sessions')
    .set({ phone_number_id: phoneNumberId })
    .where('id', '=', input.sessionId)
    .execute();
  const number = await deps.graph.getPhoneNumber(phoneNumberId);
  if (!number.ok) throw graphFailure('read_number', 'The number could not be read', number.error);
  if (!number.value.isOnBizApp || number.value.platformType !== 'CLOUD_API') {
    throw new StepFailed(
      'read_number',
      `Coexistence is not active on this number (is_on_biz_app ${String(number.value.isOnBizApp)}, platform_type ${number.value.platformType ?? 'none'}).`,
      { code: null, message: 'coexistence not active' },
    );
  }
  await done(
    'read_number',
    `${number.value.displayPhoneNumber ?? phoneNumberId}: on the Business app, platform CLOUD_API.`,
  );

  const previous = await deps.database.db
    .selectFrom('phone_numbers')
    .select('onboarded_at')
    .where('id', '=', phoneNumberId)
    .executeTakeFirst();
  await registerNumber(deps, { principal: input.principal, phoneNumberId, wabaId });
  await startNewOnboarding(deps, { phoneNumberId, reonboarded: previous?.onboarded_at != null });
  await done('register_number', 'Filed in the hub (Graph /register is not called for Business app numbers).');
  return phoneNumberId;
}

/**
 * A (re)onboarding is a new start: the number is connected, and the one-time syncs of an earlier
 * onboarding no longer bind (Meta allows each once per onboarding); imported data stays.
 */
async function startNewOnboarding(
  deps: AppDeps,
  input: { phoneNumberId: string; reonboarded: boolean },
): Promise<void> {
  const now = deps.clock.now();
  await deps.database.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('phone_numbers')
      .set({
        connection_state: 'connected',
        disconnection_reason: null,
        disconnection_initiated_by: null,
        connection_changed_at: now,
        ...(input.reonboarded
          ? { history_state: 'not_requested', contacts_sync_state: 'not_requested' }
          : {}),
        updated_at: now,
      })
      .where('id', '=', input.phoneNumberId)
      .execute();
    if (input.reonboarded) {
      await trx
        .deleteFrom('number_sync_requests')
        .where('phone_number_id', '=', input.phoneNumberId)
        .execute();
    }
  });
}

async function requestOne(
  deps: AppDeps,
  input: {
    principal: Principal;
    phoneNumberId: string;
    syncType: SyncType;
    step: OnboardingStep['step'];
    steps: OnboardingStep[];
  },
): Promise<void> {
  try {
    const view = await requestSync(deps, input);
    input.steps.push({
      step: input.step,
      status: 'done',
      at: deps.clock.now(),
      detail: `Meta accepted it (request ${view.request_id ?? '—'}).`,
    });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const meta = (error.details as { error?: { code?: number | null } } | undefined)?.error;
    input.steps.push({
      step: input.step,
      status: 'failed',
      at: deps.clock.now(),
      detail: error.message,
      error: { code: meta?.code ?? error.code, message: error.message },
    });
  }
}
