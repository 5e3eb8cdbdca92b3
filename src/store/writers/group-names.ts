/**
 * Groups named by users, apps and registries: resolved to ids, and created when missing (a
 * group exists as soon as something names it).
 */
import { checkName } from '../../domain/entity-names.ts';
import type { ModelTransaction } from './model-change.ts';
import { newId } from './numbered-ids.ts';

export async function insertGroup(trx: ModelTransaction, name: string, id?: number): Promise<number> {
  const groupId = await newId(trx, 'groups', id);
  await trx.insertInto('groups').values({ id: groupId, name, created_at: Date.now() }).execute();
  return groupId;
}

/** Group ids for names, creating missing groups; keeps order (first = primary). */
export async function ensureGroups(trx: ModelTransaction, names: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const name of [...new Set(names)]) {
    checkName('group', name);
    const row = await trx.selectFrom('groups').select('id').where('name', '=', name).executeTakeFirst();
    ids.push(row ? row.id : await insertGroup(trx, name));
  }
  return ids;
}
