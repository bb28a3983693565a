import { createHmac, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

const PREFIX = 'whsec_';

/** A new endpoint secret: `whsec_` + base64 of 32 random bytes (the spec asks for 24 to 64). */
export function generateSecret(): string {
  return `${PREFIX}${randomBytes(32).toString('base64')}`;
}

/** The HMAC key of a `whsec_` secret: the base64 after the prefix, decoded. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** One `v1,<base64>` signature: HMAC-SHA256 over `{id}.{timestamp}.{body}`. */
export function signV1(input: { secret: string; id: string; timestamp: number; body: string }): string {
  const digest = createHmac('sha256', keyOf(input.secret))
    .update(`${input.id}.${input.timestamp}.${input.body}`)
    .digest('base64');
  return `v1,${digest}`;
}

const SIGNING_PREFIX = 'whsk_';
const PUBLIC_PREFIX = 'whpk_';

/**
 * A new Ed25519 key pair for `v1a` signatures: the secret key `whsk_` + base64 of the 32-byte seed
 * and the 32-byte public key (64 bytes, libsodium's layout), and the public key `whpk_` + base64 of
 * its 32 raw bytes, which receivers verify with.
 */
export function generateSigningKey(): { signingKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(String(jwk.d), 'base64url');
  const raw = Buffer.from(String(publicKey.export({ format: 'jwk' }).x), 'base64url');
  return {
    signingKey: `${SIGNING_PREFIX}${Buffer.concat([seed, raw]).toString('base64')}`,
    publicKey: `${PUBLIC_PREFIX}${raw.toString('base64')}`,
  };
}

/** The `whpk_` public key of a `whsk_` signing key. */
export function publicKeyOf(signingKey: string): string {
  const bytes = Buffer.from(signingKey.slice(SIGNING_PREFIX.length), 'base64');
  return `${PUBLIC_PREFIX}${bytes.subarray(32).toString('base64')}`;
}

/** One `v1a,<base64>` signature: Ed25519 over `{id}.{timestamp}.{body}` (Standard Webhooks 1.0). */
export function signV1a(input: { signingKey: string; id: string; timestamp: number; body: string }): string {
  const bytes = Buffer.from(input.signingKey.slice(SIGNING_PREFIX.length), 'base64');
  const key = createPrivateKey({
    key: {
      kty: 'OKP',
      crv: 'Ed25519',
      d: bytes.subarray(0, 32).toString('base64url'),
      x: bytes.subarray(32).toString('base64url'),
    },
    format: 'jwk',
  });
  const signature = sign(null, Buffer.from(`${input.id}.${input.timestamp}.${input.body}`), key);
  return `v1a,${signature.toString('base64')}`;
}

/**
 * The three Standard Webhooks 1.0 headers of one attempt. `secrets` is the current secret first,
 * then the previous one while a rotation overlaps; `signingKeys` likewise for `v1a` (Ed25519) when
 * the endpoint has it on. The signatures are space-separated, so a receiver holding either secret
 * or either public key verifies. `timestamp` is the attempt's time in Unix seconds.
 */
export function signedHeaders(input: {
  secrets: readonly string[];
  signingKeys?: readonly string[];
  id: string;
  timestamp: number;
  body: string;
}): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const { id, timestamp, body } = input;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': [
      ...input.secrets.map((secret) => signV1({ secret, id, timestamp, body })),
      ...(input.signingKeys ?? []).map((signingKey) => signV1a({ signingKey, id, timestamp, body })),
    ].join(' '),
  };
}
