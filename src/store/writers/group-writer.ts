/** Writes groups: one transaction per change (see model-change.ts). */
import type { Kysely } from 'kysely';
import { checkName } from '../../domain/entity-names.ts';
import { Conflict, NotFound } from '../../domain/errors.ts';
import type { Database } from '../schema.ts';
import { insertGroup } from './group-names.ts';
import { type ChangeOptions, changeModel, type Upserted } from './model-change.ts';

export class GroupWriter {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates the group; an existing one is kept (Conflict when `id` differs from its id). */
  async upsert(name: string, id?: number, options?: ChangeOptions): Promise<Upserted> {
    checkName('group', name);
    return changeModel(
      this.db,
      async (trx) => {
        const existing = await trx
          .selectFrom('groups')
          .select('id')
          .where('name', '=', name)
          .executeTakeFirst();
        if (existing) {
          if (id !== undefined && id !== existing.id)
            throw new Conflict(`group "${name}" already has id ${existing.id}`);
          return 'updated';
        }
        await insertGroup(trx, name, id);
        return 'created';
      },
      options,
    );
  }

  /** Members lose the membership; apps and registries lose it as a publication or responsible group. */
  delete(name: string): Promise<void> {
    return changeModel(this.db, async (trx) => {
      const result = await trx.deleteFrom('groups').where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound(`no group named "${name}"`);
    });
  }
}
