/**
 * Users, groups and apps have numeric ids people may choose (they appear in repository paths
 * and in configuration files); without one, the next free number is taken.
 */
import { sql } from 'kysely';
import { Conflict } from '../../domain/errors.ts';
import type { ModelTransaction } from './model-change.ts';

export type NumberedTable = 'users' | 'groups' | 'apps';

/** Ids are `integer` columns: PostgreSQL refuses anything above this. */
export const MAX_ID = 2_147_483_647;

export async function nextId(trx: ModelTransaction, table: NumberedTable): Promise<number> {
  const row = await trx
    .selectFrom(table)
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  const next = Number(row?.max ?? 0) + 1;
  if (next <= MAX_ID) return next;
  // Someone chose the largest id: take 1, or the first free one after a taken one, instead.
  if (!(await trx.selectFrom(table).select('id').where('id', '=', 1).executeTakeFirst())) return 1;
  const gap = await sql<{ id: number | string | null }>`select min(t.id) + 1 as id from ${sql.table(table)} t
    where t.id < ${MAX_ID} and not exists (select 1 from ${sql.table(table)} u where u.id = t.id + 1)`.execute(
    trx,
  );
  const free = gap.rows[0]?.id;
  if (free === null || free === undefined) throw new Conflict(`every ${table.slice(0, -1)} id is taken`);
  return Number(free);
}

/** The id to give a new record: `wanted` when free (Conflict when taken), else the next one. */
export async function newId(trx: ModelTransaction, table: NumberedTable, wanted?: number): Promise<number> {
  const id = wanted ?? (await nextId(trx, table));
  if (await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst())
    throw new Conflict(`${table.slice(0, -1)} id ${id} is already taken`);
  return id;
}
