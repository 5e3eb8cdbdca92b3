/**
 * Users, groups and apps have numeric ids people may choose (they appear in repository paths
 * and in configuration files); without one, the next free number is taken.
 */
import { Conflict } from '../../domain/errors.ts';
import type { ModelTransaction } from './model-change.ts';

export type NumberedTable = 'users' | 'groups' | 'apps';

export async function nextId(trx: ModelTransaction, table: NumberedTable): Promise<number> {
  const row = await trx
    .selectFrom(table)
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0) + 1;
}

/** The id to give a new record: `wanted` when free (Conflict when taken), else the next one. */
export async function newId(trx: ModelTransaction, table: NumberedTable, wanted?: number): Promise<number> {
  const id = wanted ?? (await nextId(trx, table));
  if (await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst())
    throw new Conflict(`${table.slice(0, -1)} id ${id} is already taken`);
  return id;
}
