import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MasterKeyring } from '../platform/crypto/envelope.ts';
import { parseCookies } from './sessions.ts';

/*
 * Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a browser that
 * once signed in to an account carries a signed cookie naming that account. Its failed logins are
 * counted against the cookie, not against the account, so a stranger who locks the account (five
 * wrong passwords) locks out only the browsers that never signed in to it: its owner, on their
 * usual browser, still gets in with the password alone, however often the stranger comes back.
 */

/** The cookie over https (`__Host-`: Secure, Path=/, host-only) and over plain http. */
export const DEVICE_COOKIE = '__Host-coexist_device';
export const PLAIN_HTTP_DEVICE_COOKIE = 'coexist_device';
/** How long a browser stays known after its last sign-in. */
export const DEVICE_COOKIE_MAX_AGE_MS = 180 * 24 * 60 * 60_000;

function macKey(key: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'coexist device cookie v1', 32));
}

function mac(key: Buffer, email: string, nonce: string): string {
  return createHmac('sha256', macKey(key))
    .update(`${email.trim().toLowerCase()}|${nonce}`)
    .digest('base64url');
}

/** A new device cookie value for `email`, signed with the current master key. */
export function issueDeviceCookie(keyring: MasterKeyring, email: string): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${keyring.current.id}.${nonce}.${mac(keyring.current.key, email, nonce)}`;
}

/**
 * The device id (its nonce) of the request's device cookie if it is genuine and was issued for
 * `email`, else `null`. Over an https hub only the `__Host-` name is read.
 */
export function knownDeviceOf(input: {
  keyring: MasterKeyring;
  cookieHeader: string | undefined;
  email: string;
  httpsHub: boolean;
}): string | null {
  const cookies = parseCookies(input.cookieHeader);
  const value = cookies[DEVICE_COOKIE] ?? (input.httpsHub ? undefined : cookies[PLAIN_HTTP_DEVICE_COOKIE]);
  if (!value) return null;
  const [keyId, nonce, sent, extra] = value.split('.');
  if (!keyId || !nonce || !sent || extra !== undefined) return null;
  const key = input.keyring.all.get(keyId);
  if (!key) return null;
  const expected = Buffer.from(mac(key.key, input.email, nonce));
  const given = Buffer.from(sent);
  return expected.length === given.length && timingSafeEqual(expected, given) ? nonce : null;
}
