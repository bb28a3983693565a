import type { Actor } from '../platform/events/catalogue.ts';
import type { Principal } from './principal.ts';

/** The "who did it" of an event recorded for a principal's action. */
export function actorOf(principal: Pick<Principal, 'kind' | 'id'>): Actor {
  return { kind: principal.kind, id: principal.id };
}
