import type { Dialect } from '../platform/db/database.ts';
import { NUMBER, OTHER_NUMBER, OTHER_WABA, WABA } from './seed.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

/** The accounts tests' names for the two business accounts of `seedInbox`. */
export const WABA_A = WABA;
export const NUMBER_A = NUMBER;
export const WABA_B = OTHER_WABA;
export const NUMBER_B = OTHER_NUMBER;

export type AccountsFixture = TestApp;

/** The app as the accounts tests use it: sessions and cookies, optionally behind a public URL or a proxy. */
export async function startAccountsApp(
  dialect: Dialect,
  options: { publicUrl?: string; trustProxy?: string } = {},
): Promise<AccountsFixture> {
  return buildTestApp(dialect, {
    env: { COEXIST_PUBLIC_URL: options.publicUrl, COEXIST_TRUST_PROXY: options.trustProxy },
  });
}

/** Extracts `name=value` pairs from a response's Set-Cookie headers. */
export function cookiesFrom(headers: Record<string, unknown>): Record<string, string> {
  const raw = headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
  const out: Record<string, string> = {};
  for (const c of list as string[]) {
    const [pair] = c.split(';');
    const eq = pair!.indexOf('=');
    out[pair!.slice(0, eq)] = decodeURIComponent(pair!.slice(eq + 1));
  }
  return out;
}
