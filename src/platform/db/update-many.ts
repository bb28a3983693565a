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
 * `UPDATE … FROM (VALUES …)` per group of rows that set the same columns; on SQLite (in-process,
 * prepared statements) one small update per row. Columns must be listed in `columns` (their SQL
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
  const rows = input.rows.filter((r) => Object.keys(r.set).length > 0);
  for (const r of rows) {
    for (const c of Object.keys(r.set))
      if (!columns[c]) throw new Error(`updateMany: column ${c} not declared`);
  }
  if (input.dialect === 'sqlite') {
    for (const r of rows) {
      const set: Record<string, unknown> = {};
      for (const [c, v] of Object.entries(r.set)) {
        set[c] = columns[c]?.mode === 'add' ? sql`${sql.ref(c)} + ${v}` : v;
      }
      await trx.updateTable(table).set(set).where('id', '=', r.id).execute();
    }
    return;
  }
  const groups = new Map<string, RowUpdate[]>();
  for (const r of rows) {
    const key = Object.keys(r.set).sort().join(',');
    const group = groups.get(key) ?? [];
    group.push(r);
    groups.set(key, group);
  }
  for (const [key, group] of groups) {
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
