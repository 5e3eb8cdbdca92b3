/**
 * Every change to the access model goes through here: one transaction per change, which also
 * bumps `model_version` so that every replica rebuilds its snapshot. Upserts take patches:
 * fields left undefined keep their stored value.
 */
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { checkName } from '../domain/entity-names.ts';
import { BadRequest, Conflict, NotFound } from '../domain/errors.ts';
import type { RobotPermission } from '../domain/model.ts';
import { bumpModelVersion } from './access-store.ts';
import type { Database } from './schema.ts';
import { refuseNameTaken } from './writers/login-names.ts';
import { nextId } from './writers/numbered-ids.ts';
import { revokeRefreshTokens } from './writers/refresh-tokens.ts';
import { setRegistryGroups } from './writers/role-groups.ts';

type Tx = Transaction<Database>;

export interface RegistryPatch {
  service: string;
  url?: string | undefined;
  insecure?: boolean | undefined;
  restricted?: boolean | undefined;
  publications?: readonly string[] | undefined;
  responsibles?: readonly string[] | undefined;
  syncInterval?: number | null | undefined;
}

export type Created = 'created' | 'updated';

export class ModelWriter {
  constructor(private readonly db: Kysely<Database>) {}

  private change<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const result = await work(trx);
      await bumpModelVersion(trx);
      return result;
    });
  }

  upsertRegistry(patch: RegistryPatch): Promise<Created> {
    return this.change(async (trx) => {
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
    });
  }

  deleteRegistry(service: string): Promise<void> {
    return this.change(async (trx) => {
      const result = await trx.deleteFrom('registries').where('service', '=', service).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound(`no registry with service "${service}"`);
    });
  }

  replaceRules(rules: readonly unknown[]): Promise<void> {
    return this.change(async (trx) => {
      await trx.deleteFrom('policy_rules').execute();
      if (rules.length === 0) return;
      const now = Date.now();
      await trx
        .insertInto('policy_rules')
        .values(rules.map((rule, position) => ({ position, body: JSON.stringify(rule), created_at: now })))
        .execute();
    });
  }
}
