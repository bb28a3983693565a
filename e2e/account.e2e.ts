import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  createUserWithMfa,
  currentTotp,
  failureScreenshotPath,
  newPage,
  nextTotp,
  type Stack,
  signIn,
  signInWithMfa,
  startStack,
} from './harness.ts';

type LoginBody = { email: string; password: string; code?: string; recovery_code?: string };

/** Signs in through the API from outside the browser: another device, with its own session. */
async function loginElsewhere(
  stack: Stack,
  body: LoginBody,
): Promise<{ status: number; code: string | null; cookie: string }> {
  const response = await fetch(`${stack.hub.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { error?: { code: string } };
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { status: response.status, code: json.error?.code ?? null, cookie };
}

async function openAccount(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Sections' })
    .getByRole('link', { name: 'Account', exact: true })
    .click();
  await page.getByRole('heading', { name: 'Account', exact: true }).waitFor();
}

async function shownRecoveryCodes(page: Page): Promise<string[]> {
  const list = page.getByTestId('recovery-codes');
  await list.waitFor();
  return (await list.locator('li').allTextContents()).map((c) => c.trim());
}

describe('the account page', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ customers: [] });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('lets an agent set up two-factor authentication, replace the recovery codes and change the password', async (ctx) => {
    const agent = await createUser(stack, { name: 'Rita Agent', role: 'agent' });
    const { context, page } = await newPage(stack);
    try {
      await signIn(page, agent);
      await openAccount(page);
      expect(await page.getByTestId('account-name').textContent()).toBe('Rita Agent');
      expect(await page.getByTestId('account-email').textContent()).toBe(agent.email);
      expect(await page.getByTestId('account-role').textContent()).toBe('Agent');

      // Set up: "scan" the key shown on the page, answer with the authenticator's code.
      const twoFactor = page.getByRole('region', { name: 'Two-factor authentication' });
      expect(await twoFactor.getByTestId('mfa-status').textContent()).toBe('Off');
      await twoFactor.getByRole('button', { name: 'Set up' }).click();
      await twoFactor.getByTestId('mfa-qr').waitFor();
      const secret = (await twoFactor.getByTestId('mfa-secret').textContent())?.trim() ?? '';
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      await twoFactor.getByRole('textbox', { name: 'One-time code' }).fill(await currentTotp(secret));
      await twoFactor.getByRole('button', { name: 'Turn on' }).click();
      const firstCodes = await shownRecoveryCodes(page);
      expect(firstCodes).toHaveLength(10);
      for (const code of firstCodes) expect(code).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
      await twoFactor.getByRole('button', { name: 'I saved them' }).click();
      await twoFactor.getByTestId('mfa-status').filter({ hasText: 'On' }).waitFor();
      await twoFactor.getByTestId('recovery-codes-remaining').filter({ hasText: /^10$/ }).waitFor();

      // Another device signs in with a recovery code, which is then used up.
      const elsewhere = await loginElsewhere(stack, {
        email: agent.email,
        password: agent.password,
        recovery_code: firstCodes[0],
      });
      expect(elsewhere.status).toBe(200);
      await page.reload();
      await twoFactor.getByTestId('recovery-codes-remaining').filter({ hasText: /^9$/ }).waitFor();

      // New recovery codes need a current authenticator code; a wrong one is refused on the page.
      await twoFactor.getByRole('button', { name: 'New recovery codes' }).click();
      const regenerate = page.getByRole('form', { name: 'New recovery codes' });
      const code = regenerate.getByRole('textbox', { name: 'One-time code' });
      await code.fill('000000');
      await regenerate.getByRole('button', { name: 'New recovery codes' }).click();
      expect(await regenerate.getByRole('alert').textContent()).toContain('one-time code is wrong');
      // The enrolment used this 30 s step's code; the next step's code is fresh and still accepted.
      await code.fill(await nextTotp(secret));
      await regenerate.getByRole('button', { name: 'New recovery codes' }).click();
      const newCodes = await shownRecoveryCodes(page);
      expect(newCodes).toHaveLength(10);
      expect(newCodes.filter((c) => firstCodes.includes(c))).toEqual([]);
      expect(await page.getByTestId('recovery-codes-notice').textContent()).toContain(
        'The old ones no longer work',
      );
      const oldCode = await loginElsewhere(stack, {
        email: agent.email,
        password: agent.password,
        recovery_code: firstCodes[1],
      });
      expect(oldCode.code).toBe('MFA_INVALID');
      await twoFactor.getByRole('button', { name: 'I saved them' }).click();
      await twoFactor.getByTestId('recovery-codes-remaining').filter({ hasText: /^10$/ }).waitFor();

      // Password: a short one is caught on the page, a wrong current one by the API.
      const passwordForm = page.getByRole('form', { name: 'Change password' });
      const newPassword = 'a much longer new passphrase';
      await passwordForm.getByRole('textbox', { name: 'Current password' }).fill('not my password');
      await passwordForm.getByRole('textbox', { name: 'New password', exact: true }).fill('short');
      await passwordForm.getByRole('textbox', { name: 'Repeat the new password' }).fill('short');
      await passwordForm.getByRole('button', { name: 'Change password' }).click();
      await passwordForm.getByText('Use at least 10 characters.').waitFor();
      await passwordForm.getByRole('textbox', { name: 'New password', exact: true }).fill(newPassword);
      await passwordForm.getByRole('textbox', { name: 'Repeat the new password' }).fill(newPassword);
      await passwordForm.getByRole('button', { name: 'Change password' }).click();
      expect(await passwordForm.getByRole('alert').textContent()).toBe('The current password is wrong.');
      await passwordForm.getByRole('textbox', { name: 'Current password' }).fill(agent.password);
      await passwordForm.getByRole('button', { name: 'Change password' }).click();
      await passwordForm.getByTestId('password-changed').waitFor();

      const oldPassword = await loginElsewhere(stack, { email: agent.email, password: agent.password });
      expect(oldPassword).toMatchObject({ status: 401, code: 'LOGIN_FAILED' });
      const withNewPassword = await loginElsewhere(stack, {
        email: agent.email,
        password: newPassword,
        recovery_code: newCodes[0],
      });
      expect(withNewPassword.status).toBe(200);
      // The other device's session ended; this one goes on.
      const otherSession = await fetch(`${stack.hub.url}/api/me`, { headers: { cookie: elsewhere.cookie } });
      expect(otherSession.status).toBe(401);
      await page.reload();
      await twoFactor.getByTestId('recovery-codes-remaining').filter({ hasText: /^9$/ }).waitFor();
    } catch (error) {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => {});
      throw error;
    } finally {
      await context.close();
    }
  });

  it('lets an agent turn two-factor authentication off on a phone, but not an admin', async (ctx) => {
    const agent = await createUser(stack, { name: 'Tom Agent', role: 'agent' });
    const phone = await newPage(stack, { width: 390, height: 844 });
    const { page } = phone;
    try {
      await signIn(page, agent);
      await openAccount(page);
      const twoFactor = page.getByRole('region', { name: 'Two-factor authentication' });
      await twoFactor.getByRole('button', { name: 'Set up' }).click();
      await twoFactor.getByTestId('mfa-secret').waitFor();
      const secret = (await twoFactor.getByTestId('mfa-secret').textContent())?.trim() ?? '';
      // Keyboard only: type the code and submit with Enter.
      await twoFactor.getByRole('textbox', { name: 'One-time code' }).fill(await currentTotp(secret));
      await page.keyboard.press('Enter');
      await shownRecoveryCodes(page);
      await twoFactor.getByRole('button', { name: 'I saved them' }).click();

      await twoFactor.getByRole('button', { name: 'Turn off' }).click();
      const turnOff = page.getByRole('form', { name: 'Turn off' });
      await turnOff.getByRole('textbox', { name: 'Password', exact: true }).fill(agent.password);
      await turnOff.getByRole('textbox', { name: 'One-time code' }).fill('000000');
      await page.keyboard.press('Enter');
      expect(await turnOff.getByRole('alert').textContent()).toContain('one-time code is wrong');
      await turnOff.getByRole('textbox', { name: 'One-time code' }).fill(await nextTotp(secret));
      await page.keyboard.press('Enter');
      await twoFactor.getByTestId('mfa-status').filter({ hasText: 'Off' }).waitFor();
      await twoFactor.getByRole('button', { name: 'Set up' }).waitFor();
      // Nothing on the page is wider than the phone.
      const overflowing = await page.evaluate(() =>
        ['header', '#main > div'].filter((selector) => {
          const element = document.querySelector(selector);
          return !element || element.scrollWidth > element.clientWidth;
        }),
      );
      expect(overflowing).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: failureScreenshotPath(ctx.task.name) }).catch(() => {});
      throw error;
    } finally {
      await phone.context.close();
    }

    const admin = await createUserWithMfa(stack, { name: 'Ada Admin', role: 'admin' });
    const opened = await newPage(stack);
    try {
      await signInWithMfa(opened.page, admin);
      await openAccount(opened.page);
      const twoFactor = opened.page.getByRole('region', { name: 'Two-factor authentication' });
      await twoFactor.getByText('Your role requires two-factor authentication').waitFor();
      expect(await twoFactor.getByRole('button', { name: 'New recovery codes' }).isVisible()).toBe(true);
      expect(await twoFactor.getByRole('button', { name: 'Turn off' }).count()).toBe(0);
    } finally {
      await opened.context.close();
    }
  });
});
