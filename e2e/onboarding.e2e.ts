import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { SIGNUP_DEFAULTS } from '../sandbox/index.ts';
import { generateMasterKey } from '../src/platform/crypto/envelope.ts';
import {
  createUserWithMfa,
  failureScreenshotPath,
  newPage,
  type Stack,
  screenshotPath,
  settledScreenshot,
  signInWithMfa,
  startStack,
  waitUntil,
} from './harness.ts';

const ANA = { waId: '16505551234', name: 'Ana Ruiz' };
/** The sandbox's eligible business-app phone (sandbox/signup/signup-state.ts). */
const SHOP_PHONE = '447700900123';

describe('connecting a WhatsApp Business app number through the wizard, against the sandbox', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      customers: [ANA],
      env: (sandboxUrl) => ({
        COEXIST_MASTER_KEYS: generateMasterKey('e2e'),
        META_APP_ID: SIGNUP_DEFAULTS.appId,
        META_SIGNUP_CONFIG_ID: SIGNUP_DEFAULTS.configId,
        META_SIGNUP_SDK_URL: `${sandboxUrl}/sdk.js`,
        META_SIGNUP_ORIGINS: sandboxUrl,
      }),
    });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('goes from "Connect a number" to the first mirrored echo and an imported history', async (ctx) => {
    const admin = await createUserWithMfa(stack, { name: 'Ada Admin', role: 'admin' });
    const { context, page } = await newPage(stack, { width: 1280, height: 1100 });
    onTestFailed(async () => {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => {});
    });
    await signInWithMfa(page, admin);
    await page.getByRole('link', { name: 'Settings' }).waitFor();
    await page.goto('/settings/numbers');
    await page.getByRole('link', { name: 'Connect a WhatsApp Business app number' }).click();

    // Eligibility: a South African number on an old app is refused, with the reasons.
    await page.getByLabel('Phone number (with country code)').fill('+27 82 123 4567');
    await page.getByLabel('WhatsApp Business app version').fill('2.24.9');
    await page.getByLabel('Days the number has been used in the app').fill('3');
    await page.getByRole('button', { name: 'Check eligibility' }).click();
    const report = page.getByTestId('eligibility-report');
    await report
      .getByText('Meta does not offer coexistence for numbers with the country code +27.')
      .waitFor();
    await report.getByText('Not eligible yet').waitFor();
    await settledScreenshot(page, 'onboarding-eligibility');

    await page.getByLabel('Phone number (with country code)').fill(`+${SHOP_PHONE}`);
    await page.getByLabel('WhatsApp Business app version').fill('2.25.21.78');
    await page.getByLabel('Days the number has been used in the app').fill('400');
    await page.getByLabel('A Facebook page is linked to the WhatsApp Business account').check();
    await page.getByRole('button', { name: 'Check eligibility' }).click();
    await page.getByRole('button', { name: 'Continue to Facebook' }).click();

    // Embedded Signup in Meta's (the sandbox's) popup.
    const popupOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Continue with Facebook' }).click();
    const popup = await popupOpened;
    await popup.getByRole('button', { name: 'Continue as Sandbox Owner' }).click();
    // A number used for 3 days is refused by Meta in the popup, which stays open.
    await popup.getByLabel('WhatsApp Business app number').selectOption('15550100077');
    await popup.getByRole('button', { name: 'Next' }).click();
    await popup
      .getByRole('alert')
      .getByText(/not been used in the WhatsApp Business app long enough/)
      .waitFor();
    // The sandbox lets the choice be made again on a fresh session: reopen with the eligible number.
    await popup.close();
    await page
      .getByTestId('signup-error')
      .getByText(/long enough/)
      .waitFor();

    const reopened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Continue with Facebook' }).click();
    const signup = await reopened;
    await signup.getByRole('button', { name: 'Continue as Sandbox Owner' }).click();
    await signup.getByLabel('WhatsApp Business app number').selectOption(SHOP_PHONE);
    await signup.getByRole('button', { name: 'Next' }).click();
    await signup.getByRole('img', { name: 'QR code to scan with the WhatsApp Business app' }).waitFor();
    await signup.screenshot({ path: screenshotPath('onboarding-signup-qr') });

    // The owner's phone scans the code (the sandbox's phone page).
    const phone = await context.newPage();
    await phone.goto(`${stack.sandbox.url}/_sandbox/signup/phone`);
    await phone.getByRole('button', { name: 'Scan QR code' }).waitFor();
    await phone.screenshot({ path: screenshotPath('onboarding-phone-scan') });
    await phone.getByRole('button', { name: 'Scan QR code' }).click();
    const closed = signup.waitForEvent('close');
    await signup.getByRole('button', { name: 'Finish' }).click();
    await closed;

    // The hub connects the number and requests both syncs; Meta sends contacts and history.
    await page.getByText('Number added to Coexist').waitFor();
    const history = page.getByTestId('sync-history');
    await history.getByTestId('sync-stage').getByText('Complete').waitFor({ timeout: 30_000 });
    await page
      .getByTestId('sync-smb_app_state_sync')
      .getByTestId('sync-stage')
      .getByText('Complete')
      .waitFor();
    await page.getByText('Meta confirmed the partner (account_update PARTNER_ADDED)').waitFor();

    // The owner answers Ana from the phone: the echo is mirrored.
    const db = stack.deps.database.db;
    const number = await db
      .selectFrom('phone_numbers')
      .select(['id', 'waba_id'])
      .where('display_phone_number', '=', SHOP_PHONE)
      .executeTakeFirstOrThrow();
    await stack.sandbox.control.ownerText(number.id, ANA.waId, 'Hi Ana, the bouquet is ready');
    await page
      .getByTestId('first-echo')
      .getByText(/the bouquet is ready/)
      .waitFor();
    await waitUntil(async () => (await history.textContent())?.includes('100%') ?? false);
    await settledScreenshot(page, 'onboarding-connected');

    const imported = await db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('phone_number_id', '=', number.id)
      .where('origin', '=', 'history')
      .executeTakeFirstOrThrow();
    expect(Number(imported.n)).toBeGreaterThan(0);
    const echo = await db
      .selectFrom('messages')
      .select('origin')
      .where('phone_number_id', '=', number.id)
      .where('origin', '=', 'business_app')
      .execute();
    expect(echo.length).toBe(1);
    const credential = await db
      .selectFrom('waba_credentials')
      .selectAll()
      .where('waba_id', '=', number.waba_id)
      .executeTakeFirstOrThrow();
    expect(credential.token_sealed.startsWith('v1.')).toBe(true);
    await context.close();
  });
});
