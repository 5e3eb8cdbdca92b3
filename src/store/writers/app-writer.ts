/** Writes applications: one transaction per change (see model-change.ts); patches as for users. */
import type { Kysely } from 'kysely';
import { checkName } from '../../domain/entity-names.ts';
import { Conflict, NotFound } from '../../domain/errors.ts';
import type { Database } from '../schema.ts';
import { type ChangeOptions, changeModel, type Upserted } from './model-change.ts';
import { newId } from './numbered-ids.ts';
import { setAppGroups } from './role-groups.ts';

export interface AppPatch {
  name: string;
  id?: number | undefined;
  publications?: readonly string[] | undefined;
  responsibles?: readonly string[] | undefined;
}

export class AppWriter {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(patch: AppPatch, options?: ChangeOptions): Promise<Upserted> {
    checkName('app', patch.name);
    return changeModel(
      this.db,
      async (trx) => {
        const existing = await trx
          .selectFrom('apps')
          .select('id')
          .where('name', '=', patch.name)
          .executeTakeFirst();
        let appId: number;
        if (!existing) {
          appId = await newId(trx, 'apps', patch.id);
          await trx
            .insertInto('apps')
            .values({ id: appId, name: patch.name, created_at: Date.now() })
            .execute();
        } else {
          if (patch.id !== undefined && patch.id !== existing.id)
            throw new Conflict(`app "${patch.name}" already has id ${existing.id}`);
          appId = existing.id;
        }
        await setAppGroups(trx, appId, 'publication', patch.publications);
        await setAppGroups(trx, appId, 'responsible', patch.responsibles);
        return existing ? 'updated' : 'created';
      },
      options,
    );
  }

  /** Its services keep working, without an app. */
  delete(name: string): Promise<void> {
    return changeModel(this.db, async (trx) => {
      const result = await trx.deleteFrom('apps').where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound(`no app named "${name}"`);
    });
  }
}
