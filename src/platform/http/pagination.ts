import { z } from 'zod';
import { AppError } from '../errors.ts';

/** Query parameters every cursor-paginated list accepts. */
export const pageQuery = z.object({
  cursor: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The body of every list the API returns. */
export type Page<T> = { data: T[]; next_cursor: string | null };

/** Encodes a keyset position (the sort values of the last row returned) as an opaque cursor. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}, checking it has the expected shape; a cursor that
 * was tampered with or belongs to another list is a 400, never a silent restart from the top.
 */
export function decodeCursor<const T extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('VALIDATION_FAILED', 'The cursor is not valid.');
  }
  if (
    !Array.isArray(values) ||
    values.length !== shape.length ||
    !values.every((v, i) => typeof v === shape[i] && (typeof v !== 'number' || Number.isFinite(v)))
  ) {
    throw new AppError('VALIDATION_FAILED', 'The cursor is not valid.');
  }
  return values as { [K in keyof T]: T[K] extends 'number' ? number : string };
}

/** Splits `limit + 1` fetched rows into a page and the cursor of its last row (null on the last page). */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  map: (row: R) => T,
  cursorOf: (row: R) => readonly (string | number)[],
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    data: pageRows.map(map),
    next_cursor: hasMore && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}

/** A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` escaped (use with `escape '\'`). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
