import { randomUUID } from 'node:crypto';

/** A new random id for rows the hub creates. */
export function newId(): string {
  return randomUUID();
}
