import { z } from 'zod';
import type { GraphError } from './graph-types.ts';

/*
 * Every id the hub places in a Graph API path passes through here. Meta's phone-number, WABA,
 * template and media ids are decimal digits; an id that is not (`../../v23.0/<waba>/phone_numbers?`)
 * would otherwise turn one call into another, made with the hub's token. The routes refuse such ids
 * with a 400 first (`ZGraphId`); this is the last line, in the client itself.
 */

/** Meta's numeric object ids: 1 to 30 decimal digits. */
export const GRAPH_ID_PATTERN = /^\d{1,30}$/;

/** Thrown when a value is not a Graph object id; the request is never sent. */
export class InvalidGraphIdError extends Error {
  constructor(readonly label: string) {
    super(`The ${label} is not a Graph object id (decimal digits).`);
    this.name = 'InvalidGraphIdError';
  }
}

/** Whether `id` is a numeric Graph object id. */
export function isGraphId(id: unknown): id is string {
  return typeof id === 'string' && GRAPH_ID_PATTERN.test(id);
}

/** Returns `id` if it is a numeric Graph object id, else throws {@link InvalidGraphIdError}. */
export function assertGraphId(id: string, label = 'id'): string {
  if (!isGraphId(id)) throw new InvalidGraphIdError(label);
  return id;
}

/**
 * Builds a Graph path from segments, each percent-encoded (a segment can never add a `/`, `?` or
 * `#`), and an optional query string built with `URLSearchParams`. Ids are checked by the caller
 * with {@link assertGraphId}; opaque ids (media ids, cursors) are only encoded.
 */
export function graphPath(segments: readonly string[], query?: Readonly<Record<string, string>>): string {
  const path = segments.map((s) => encodeURIComponent(s)).join('/');
  if (!query || Object.keys(query).length === 0) return path;
  return `${path}?${new URLSearchParams(query).toString()}`;
}

/** The error a client call answers with, without sending anything, when an id is not a Graph id. */
export function invalidGraphIdError(label: string): GraphError {
  return {
    httpStatus: 0,
    code: null,
    subcode: null,
    title: 'Invalid id',
    message: new InvalidGraphIdError(label).message,
    details: null,
    fbtraceId: null,
    isTransient: false,
  };
}

/** A numeric Graph object id in a request (phone number, WABA): anything else is a 400. */
export const ZGraphId = z.string().regex(GRAPH_ID_PATTERN, 'must be a numeric Graph id (decimal digits)');

/** `:id` route params that name a phone number (or another Graph object) by its numeric id. */
export const ZGraphIdParams = z.object({ id: ZGraphId });
