import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { openHubDeps } from '../cli/hub-commands.ts';
import { SANDBOX_DEFAULTS, type Sandbox, startSandbox } from '../sandbox/index.ts';
import type { AppDeps } from '../src/app-deps.ts';
import { confirmMfaEnrolment, startMfaEnrolment } from '../src/auth/mfa.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import type { Role } from '../src/auth/principal.ts';
import { type RunningHub, startHub } from '../src/hub.ts';
import { masterKeyringOf } from '../src/platform/crypto/keyring.ts';
import { insertUser } from '../src/users/users.repository.ts';

export const NUMBER_ID = SANDBOX_DEFAULTS.phoneNumberId;
export const SCREENSHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export type Stack = {
  readonly sandbox: Sandbox;
  readonly hub: RunningHub;
  readonly deps: AppDeps;
  readonly browser: Browser;
  close(): Promise<void>;
};

export type Customer = { waId: string; name: string };

/**
 * A real sandbox (Cloud API + phone + customers) and a real hub on a temporary SQLite database,
 * wired together over loopback HTTP exactly as in production, plus headless Chromium.
 */
export async function startStack(input: {
  customers: Customer[];
  /** Extra hub settings for this stack only (e.g. `COEXIST_WEBHOOK_EGRESS_ALLOW`); a function gets the sandbox's URL. */
  env?: Record<string, string> | ((sandboxUrl: string) => Record<string, string>);
}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), 'coexist-e2e-'));
  mkdirSync(join(dir, 'data'));
  const sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    clock: 'real',
    statusDelays: { sentMs: 30, deliveredMs: 80, readMs: 400 },
    customers: input.customers,
  });
  const deps = await openHubDeps({
    DATABASE_URL: `sqlite:${join(dir, 'coexist.db')}`,
    COEXIST_DATA_DIR: join(dir, 'data'),
    META_APP_SECRET: SANDBOX_DEFAULTS.appSecret,
    META_VERIFY_TOKEN: SANDBOX_DEFAULTS.verifyToken,
    META_ACCESS_TOKEN: SANDBOX_DEFAULTS.accessToken,
    META_GRAPH_URL: sandbox.url,
    META_GRAPH_VERSION: SANDBOX_DEFAULTS.graphVersion,
    LOG_LEVEL: 'warn',
    ...(typeof input.env === 'function' ? input.env(sandbox.url) : input.env),
  });
  const hub = await startHub(deps, { port: 0, host: '127.0.0.1' });
  await sandbox.setCallback(`${hub.url}/webhooks/meta`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    sandbox,
    hub,
    deps,
    browser,
    async close() {
      await browser.close();
      await hub.close();
      deps.realtime?.close();
      await deps.database.close();
      await sandbox.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestUser = { id: string; email: string; password: string; name: string; role: Role };

export async function createUser(stack: Stack, input: { name: string; role: Role }): Promise<TestUser> {
  const email = `${input.name.toLowerCase().replace(/\W+/g, '.')}@example.test`;
  const password = 'correct horse battery staple';
  const row = await insertUser(stack.deps.database.db, {
    email,
    name: input.name,
    role: input.role,
    passwordHash: await hashPassword(password),
    wabaIds: null,
    now: Date.now(),
  });
  return { id: row.id, email, password, name: input.name, role: input.role };
}

/** A user who has already enrolled MFA (as admins and owners must); `mfaSecret` makes codes. */
export async function createUserWithMfa(
  stack: Stack,
  input: { name: string; role: Role },
): Promise<TestUser & { mfaSecret: string }> {
  const user = await createUser(stack, input);
  const db = stack.deps.database.db;
  const keyring = masterKeyringOf(stack.deps.config);
  const { secret } = await startMfaEnrolment(db, { id: user.id, email: user.email }, Date.now(), keyring);
  await confirmMfaEnrolment(db, {
    userId: user.id,
    code: await currentTotp(secret),
    now: Date.now(),
    keyring,
  });
  return { ...user, mfaSecret: secret };
}

/** Signs in through the login form with the password, then the next one-time code. */
export async function signInWithMfa(page: Page, user: TestUser & { mfaSecret: string }): Promise<void> {
  await signIn(page, user);
  const code = page.getByRole('textbox', { name: 'One-time code' });
  await code.waitFor();
  await code.fill(await nextTotp(user.mfaSecret));
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** The TOTP code of the current 30-second step. */
export function currentTotp(secret: string): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) });
}

/**
 * A TOTP code for the step after the current one: accepted (one step of drift is allowed) and
 * never a replay of a code used in the current step.
 */
export function nextTotp(secret: string): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
}

export async function newPage(
  stack: Stack,
  viewport: { width: number; height: number } = { width: 1366, height: 820 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await stack.browser.newContext({ baseURL: stack.hub.url, viewport });
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the login form (password only: for roles without MFA). */
export async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(user.email);
  await page.getByRole('textbox', { name: 'Password' }).fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export function screenshotPath(name: string): string {
  return join(SCREENSHOTS, `${name}.png`);
}

/** Waits until no CSS transition or animation is running (a drawer sliding in), then takes the README screenshot `name`. */
export async function settledScreenshot(page: Page, name: string): Promise<void> {
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await page.screenshot({ path: screenshotPath(name) });
}

/** Polls `check` until it holds; the test's own timeout bounds the wait. */
export async function waitUntil(check: () => Promise<boolean>, everyMs = 100): Promise<void> {
  for (;;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Where a failing test leaves a screenshot of the page, for diagnosis (outside the repository). */
export function failureScreenshotPath(testName: string): string {
  return join(tmpdir(), `coexist-e2e-${testName.replace(/\W+/g, '-').slice(0, 60)}.png`);
}
