import { createHmac, randomBytes } from 'node:crypto';

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

/**
 * The three Standard Webhooks 1.0 headers of one attempt. `secrets` is the current secret first,
 * then the previous one while a rotation overlaps: the signatures are space-separated, so a
 * receiver holding either secret verifies. `timestamp` is the attempt's time in Unix seconds.
 */
export function signedHeaders(input: {
  secrets: readonly string[];
  id: string;
  timestamp: number;
  body: string;
}): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': input.secrets
      .map((secret) => signV1({ secret, id: input.id, timestamp: input.timestamp, body: input.body }))
      .join(' '),
  };
}
