/** Writes registries: one transaction per change (see model-change.ts); patches as for users. */
import type { Kysely } from 'kysely';
import { checkName } from '../../domain/entity-names.ts';
import { BadRequest, NotFound } from '../../domain/errors.ts';
import type { Database } from '../schema.ts';
import { type ChangeOptions, changeModel, type Upserted } from './model-change.ts';
import { setRegistryGroups } from './role-groups.ts';

export interface RegistryPatch {
  /** REGISTRY_AUTH_TOKEN_SERVICE, the token audience. */
  service: string;
  url?: string | undefined;
  insecure?: boolean | undefined;
  restricted?: boolean | undefined;
  publications?: readonly string[] | undefined;
  responsibles?: readonly string[] | undefined;
  /** Seconds between discovery runs; null: the default. */
  syncInterval?: number | null | undefined;
}

export class RegistryWriter {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(patch: RegistryPatch, options?: ChangeOptions): Promise<Upserted> {
    checkName('registry', patch.service);
    return changeModel(
      this.db,
      async (trx) => {
        const now = Date.now();
        let registry = await trx
          .selectFrom('registries')
          .select('id')
          .where('service', '=', patch.service)
          .executeTakeFirst();
        const created = !registry;
        if (!registry) {
          if (!patch.url) throw new BadRequest(`registry "${patch.service}" needs a url`);
          registry = await trx
            .insertInto('registries')
            .values({
              service: patch.service,
              url: patch.url,
              insecure: patch.insecure ? 1 : 0,
              restricted: patch.restricted ? 1 : 0,
              notify_secret_hash: null,
              sync_interval: patch.syncInterval ?? null,
              created_at: now,
              updated_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
        } else {
          await trx
            .updateTable('registries')
            .set({
              updated_at: now,
              ...(patch.url !== undefined ? { url: patch.url } : {}),
              ...(patch.insecure !== undefined ? { insecure: patch.insecure ? 1 : 0 } : {}),
              ...(patch.restricted !== undefined ? { restricted: patch.restricted ? 1 : 0 } : {}),
              ...(patch.syncInterval !== undefined ? { sync_interval: patch.syncInterval } : {}),
            })
            .where('id', '=', registry.id)
            .execute();
        }
        await setRegistryGroups(trx, registry.id, 'publication', patch.publications);
        await setRegistryGroups(trx, registry.id, 'responsible', patch.responsibles);
        return created ? 'created' : 'updated';
      },
      options,
    );
  }

  delete(service: string): Promise<void> {
    return changeModel(this.db, async (trx) => {
      const result = await trx.deleteFrom('registries').where('service', '=', service).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound(`no registry with service "${service}"`);
    });
  }

  /** Each registry's discovery interval in seconds (null: the default), by service. */
  async syncIntervals(): Promise<Map<string, number | null>> {
    const rows = await this.db.selectFrom('registries').select(['service', 'sync_interval']).execute();
    return new Map(rows.map((r) => [r.service, r.sync_interval === null ? null : Number(r.sync_interval)]));
  }
}
