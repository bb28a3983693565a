import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of secrets (lengths compared first, as `timingSafeEqual` requires). */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  return x.length === y.length && timingSafeEqual(x, y);
}
