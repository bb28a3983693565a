import { type Kysely, sql } from 'kysely';
import type { Dialect } from './database.ts';

/** How a column of {@link updateMany} is written: replaced, or increased by the value. */
export type ColumnSpec = { readonly type: 'text' | 'bigint' | 'integer'; readonly mode?: 'set' | 'add' };

/** One row's new values, by its text primary key `id`. */
export type RowUpdate = {
  readonly id: string;
  readonly set: Readonly<Record<string, string | number | null>>;
};

const PG_ROWS_PER_STATEMENT = 500;

/**
 * Updates many rows of `table` by id with few round trips: on PostgreSQL one
 * `UPDATE … FROM (VALUES …)` per group of rows that set the same columns, on both databases (on
 * SQLite a statement built by Kysely costs more than running it). Columns must be listed in `columns` (their SQL
 * type, and `add` for counters such as `unread_count + n`).
 */
export async function updateMany(
  // biome-ignore lint/suspicious/noExplicitAny: the table is named at run time; columns are checked by `columns`.
  trx: Kysely<any>,
  input: {
    readonly dialect: Dialect;
    readonly table: string;
    readonly columns: Readonly<Record<string, ColumnSpec>>;
    readonly rows: readonly RowUpdate[];
  },
): Promise<void> {
  const { table, columns } = input;
  for (const r of input.rows) {
    for (const c of Object.keys(r.set))
      if (!columns[c]) throw new Error(`updateMany: column ${c} not declared`);
  }
  const rows = mergeById(input.rows, columns).filter((r) => Object.keys(r.set).length > 0);
  if (input.dialect === 'sqlite') {
    await updateManySqlite(trx, table, columns, rows);
    return;
  }
  await updateManyPostgres(trx, table, columns, rows);
}

/**
 * One update per id (an `UPDATE … FROM` applies only one of two rows for the same target): the
 * increments of `add` columns summed, the last value of the others kept, as running them in turn would.
 */
function mergeById(rows: readonly RowUpdate[], columns: Readonly<Record<string, ColumnSpec>>): RowUpdate[] {
  const merged = new Map<string, Record<string, string | number | null>>();
  for (const r of rows) {
    const into = merged.get(r.id);
    if (!into) {
      merged.set(r.id, { ...r.set });
      continue;
    }
    for (const [c, v] of Object.entries(r.set)) {
      into[c] = columns[c]?.mode === 'add' && c in into ? Number(into[c] ?? 0) + Number(v ?? 0) : v;
    }
  }
  return [...merged].map(([id, set]) => ({ id, set }));
}

/** Rows grouped by the columns they set (one statement shape each). */
function bySetColumns(rows: readonly RowUpdate[]): Map<string, RowUpdate[]> {
  const groups = new Map<string, RowUpdate[]>();
  for (const r of rows) {
    const key = Object.keys(r.set).sort().join(',');
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  return groups;
}

/** SQLite: parameters per statement stay far below its limit (32,766). */
const SQLITE_ROWS_PER_STATEMENT = 200;

/** SQLite (3.33+): one `UPDATE … FROM (VALUES …)` per group too (its VALUES columns are named column1, column2, …). */
async function updateManySqlite(
  // biome-ignore lint/suspicious/noExplicitAny: as in updateMany.
  trx: Kysely<any>,
  table: string,
  columns: Readonly<Record<string, ColumnSpec>>,
  rows: readonly RowUpdate[],
): Promise<void> {
  for (const [key, group] of bySetColumns(rows)) {
    const cols = key.split(',');
    for (let i = 0; i < group.length; i += SQLITE_ROWS_PER_STATEMENT) {
      const slice = group.slice(i, i + SQLITE_ROWS_PER_STATEMENT);
      const values = sql.join(
        slice.map((r) => sql`(${sql.join([r.id, ...cols.map((c) => r.set[c] ?? null)])})`),
      );
      const sets = sql.join(
        cols.map((c, k) => {
          const v = sql.id('v', `column${k + 2}`);
          return columns[c]?.mode === 'add'
            ? sql`${sql.id(c)} = ${sql.id('t', c)} + ${v}`
            : sql`${sql.id(c)} = ${v}`;
        }),
      );
      await sql`update ${sql.id(table)} as t set ${sets} from (values ${values}) as v where t.id = v.column1`.execute(
        trx,
      );
    }
  }
}

async function updateManyPostgres(
  // biome-ignore lint/suspicious/noExplicitAny: as in updateMany.
  trx: Kysely<any>,
  table: string,
  columns: Readonly<Record<string, ColumnSpec>>,
  rows: readonly RowUpdate[],
): Promise<void> {
  for (const [key, group] of bySetColumns(rows)) {
    const cols = key.split(',');
    for (let i = 0; i < group.length; i += PG_ROWS_PER_STATEMENT) {
      const slice = group.slice(i, i + PG_ROWS_PER_STATEMENT);
      const values = sql.join(
        slice.map(
          (r) =>
            sql`(${sql.join([
              sql`${r.id}::text`,
              ...cols.map((c) => sql`${r.set[c] ?? null}::${sql.raw(columns[c]?.type ?? 'text')}`),
            ])})`,
        ),
      );
      const sets = sql.join(
        cols.map((c) =>
          columns[c]?.mode === 'add'
            ? sql`${sql.id(c)} = ${sql.id('t', c)} + ${sql.id('v', c)}`
            : sql`${sql.id(c)} = ${sql.id('v', c)}`,
        ),
      );
      const names = sql.join([sql.id('id'), ...cols.map((c) => sql.id(c))]);
      await sql`update ${sql.id(table)} as t set ${sets} from (values ${values}) as v(${names}) where t.id = v.id`.execute(
        trx,
      );
    }
  }
}
