import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmMfaEnrolment, startMfaEnrolment } from '../src/auth/mfa.ts';
import { masterKeyringOf } from '../src/platform/crypto/keyring.ts';
import {
  createUser,
  currentTotp,
  newPage,
  nextTotp,
  type Stack,
  screenshotPath,
  signIn,
  startStack,
} from './harness.ts';

describe('signing in', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ customers: [{ waId: '16505551234', name: 'Ana Ruiz' }] });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('an admin enrols MFA with the QR code on first login, then signs in with a one-time code', async () => {
    const admin = await createUser(stack, { name: 'Alex Admin', role: 'admin' });
    const { context, page } = await newPage(stack);
    try {
      await signIn(page, admin);

      // First login: the role requires MFA, so the hub only allows enrolment.
      await page.getByTestId('mfa-qr').waitFor();
      const secret = (await page.getByTestId('mfa-secret').textContent())?.trim() ?? '';
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      await page.screenshot({ path: screenshotPath('mfa-enrolment') });
      await page.getByRole('textbox', { name: 'One-time code' }).fill(await currentTotp(secret));
      await page.getByRole('button', { name: 'Turn on' }).click();
      await page.getByTestId('recovery-codes').waitFor();
      await page.getByRole('button', { name: 'Continue to the inbox' }).click();
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Settings' })
        .waitFor();

      // Sign out, and back in: now a one-time code is asked after the password.
      await page.getByTestId('account-menu').click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await signIn(page, admin);
      const code = page.getByRole('textbox', { name: 'One-time code' });
      await code.waitFor();
      await code.fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toContain('one-time code is wrong');
      await code.fill(await nextTotp(secret));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('link', { name: 'Inbox' }).waitFor();
      expect(await page.getByTestId('account-menu').textContent()).toContain('Alex Admin');
    } finally {
      await context.close();
    }
  });

  it('someone who lost the phone signs in with a recovery code, once', async () => {
    const owner = await createUser(stack, { name: 'Olga Owner', role: 'owner' });
    const db = stack.deps.database.db;
    const keyring = masterKeyringOf(stack.deps.config);
    const { secret } = await startMfaEnrolment(db, { id: owner.id, email: owner.email }, Date.now(), keyring);
    const { recoveryCodes } = await confirmMfaEnrolment(db, {
      userId: owner.id,
      code: await currentTotp(secret),
      now: Date.now(),
      keyring,
    });
    const recovery = recoveryCodes[0] as string;
    const { context, page } = await newPage(stack);
    try {
      await signIn(page, owner);
      await page.getByRole('textbox', { name: 'One-time code' }).waitFor();
      await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
      const field = page.getByRole('textbox', { name: 'Recovery code' });
      await field.fill(recovery);
      await page.screenshot({ path: screenshotPath('mfa-recovery-code') });
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('link', { name: 'Inbox' }).waitFor();
      expect(await page.getByTestId('account-menu').textContent()).toContain('Olga Owner');

      // The same code a second time is refused; the app's code works again from the same step.
      await page.getByTestId('account-menu').click();
      await page.getByRole('menuitem', { name: 'Sign out' }).click();
      await signIn(page, owner);
      await page.getByRole('button', { name: 'Lost your phone? Use a recovery code' }).click();
      await page.getByRole('textbox', { name: 'Recovery code' }).fill(recovery);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('alert').waitFor();
      expect(page.url()).not.toMatch(/inbox/);
      await page.getByRole('button', { name: 'Use a code from the authenticator app' }).click();
      await page.getByRole('textbox', { name: 'One-time code' }).fill(await nextTotp(secret));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('link', { name: 'Inbox' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it('an agent cannot open admin settings: no link, a refusal on the page, and a 403 from the API', async () => {
    const agent = await createUser(stack, { name: 'Sam Agent', role: 'agent' });
    const { context, page } = await newPage(stack);
    try {
      await signIn(page, agent);
      const nav = page.getByRole('navigation', { name: 'Sections' });
      await nav.getByRole('link', { name: 'Inbox' }).waitFor();
      expect(await nav.getByRole('link', { name: 'Settings' }).count()).toBe(0);

      await page.goto('/settings/users');
      await page.getByTestId('forbidden').waitFor();
      expect(await page.getByText("You don't have access to this page").isVisible()).toBe(true);

      const status = await page.evaluate(async () => (await fetch('/api/users')).status);
      expect(status).toBe(403);
      const tokens = await page.evaluate(async () => (await fetch('/api/tokens')).json());
      expect(tokens.error.code).toBe('FORBIDDEN');
    } finally {
      await context.close();
    }
  });
});
