import type { CreateTableBuilder } from 'kysely';
import type { StoreAdapter } from '../database.ts';

/** Adds an auto-incrementing integer primary key `id` in the dialect's own way. */
export function serialId<T extends string>(
  builder: CreateTableBuilder<T, never>,
  adapter: StoreAdapter,
): CreateTableBuilder<T, 'id'> {
  return builder.addColumn('id', adapter.serialType, (c) => {
    const key = c.primaryKey();
    return adapter.needsAutoIncrement ? key.autoIncrement() : key;
  });
}
