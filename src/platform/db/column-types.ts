import type { ColumnDefinitionBuilder, CreateTableBuilder } from 'kysely';
import type { Dialect } from './database.ts';

/** An auto-increment integer primary key, spelled the way each dialect wants it. */
export function withSerialId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: Dialect,
  name = 'id',
): CreateTableBuilder<T, never> {
  return dialect === 'postgres'
    ? table.addColumn(name, 'bigserial', (c) => c.primaryKey())
    : table.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Integer milliseconds and counters: int8 on PostgreSQL, integer (already 64-bit) on SQLite. */
export const bigint = 'bigint' as const;

export const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
