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

export interface ServicePatch {
  name: string;
  app?: string | null | undefined;
  secretHash?: string | undefined;
  disabled?: boolean | undefined;
}
export interface RobotPatch {
  name: string;
  secretHash?: string | undefined;
  repositories?: readonly string[] | undefined;
  permission?: RobotPermission | undefined;
  expiresAt?: number | null | undefined;
  disabled?: boolean | undefined;
}
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

  upsertService(patch: ServicePatch): Promise<Created> {
    return this.change(async (trx) => {
      await refuseNameTaken(trx, patch.name, 'services');
      const now = Date.now();
      let appId: number | null | undefined;
      if (patch.app === null) appId = null;
      else if (patch.app !== undefined) {
        const app = await trx
          .selectFrom('apps')
          .select('id')
          .where('name', '=', patch.app)
          .executeTakeFirst();
        if (!app) throw new BadRequest(`unknown app "${patch.app}"`);
        appId = app.id;
      }
      const existing = await trx
        .selectFrom('services')
        .select(['id', 'secret_hash'])
        .where('name', '=', patch.name)
        .executeTakeFirst();
      if (!existing) {
        if (!patch.secretHash) throw new BadRequest(`service "${patch.name}" needs a secret`);
        await trx
          .insertInto('services')
          .values({
            name: patch.name,
            app_id: appId ?? null,
            secret_hash: patch.secretHash,
            disabled: patch.disabled ? 1 : 0,
            credential_version: 1,
            created_at: now,
            updated_at: now,
          })
          .execute();
        return 'created';
      }
      const credential = credentialUpdate(existing.secret_hash, patch);
      await trx
        .updateTable('services')
        .set({ updated_at: now, ...(appId !== undefined ? { app_id: appId } : {}), ...credential.columns })
        .where('id', '=', existing.id)
        .execute();
      if (credential.endsSessions) await revokeRefreshTokens(trx, 'service', patch.name);
      return 'updated';
    });
  }

  deleteService(name: string): Promise<void> {
    return this.deleteNamed('services', 'service', name);
  }

  async upsertRobot(patch: RobotPatch): Promise<Created> {
    checkName('robot', patch.name);
    return this.change(async (trx) => {
      await refuseNameTaken(trx, patch.name, 'robots');
      const now = Date.now();
      const existing = await trx
        .selectFrom('robots')
        .select(['id', 'secret_hash'])
        .where('name', '=', patch.name)
        .executeTakeFirst();
      if (!existing) {
        if (!patch.secretHash || !patch.repositories || !patch.permission) {
          throw new BadRequest(`robot "${patch.name}" needs a secret, repositories and a permission`);
        }
        await trx
          .insertInto('robots')
          .values({
            name: patch.name,
            secret_hash: patch.secretHash,
            repositories: JSON.stringify(patch.repositories),
            permission: patch.permission,
            expires_at: patch.expiresAt ?? null,
            disabled: patch.disabled ? 1 : 0,
            credential_version: 1,
            created_at: now,
            updated_at: now,
          })
          .execute();
        return 'created';
      }
      const credential = credentialUpdate(existing.secret_hash, patch);
      await trx
        .updateTable('robots')
        .set({
          updated_at: now,
          ...(patch.repositories !== undefined ? { repositories: JSON.stringify(patch.repositories) } : {}),
          ...(patch.permission !== undefined ? { permission: patch.permission } : {}),
          ...(patch.expiresAt !== undefined ? { expires_at: patch.expiresAt } : {}),
          ...credential.columns,
        })
        .where('id', '=', existing.id)
        .execute();
      if (credential.endsSessions) await revokeRefreshTokens(trx, 'robot', patch.name);
      return 'updated';
    });
  }

  deleteRobot(name: string): Promise<void> {
    return this.deleteNamed('robots', 'robot', name);
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

  private deleteNamed(
    table: 'users' | 'services' | 'robots',
    kind: 'user' | 'service' | 'robot',
    name: string,
  ): Promise<void> {
    return this.change(async (trx) => {
      const result = await trx.deleteFrom(table).where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound(`no ${kind} named "${name}"`);
      await revokeRefreshTokens(trx, kind, name);
    });
  }
}

/**
 * The credential columns services and robots share. A new secret or a disable bumps
 * `credential_version` (cached credential checks stop matching) and ends refresh tokens.
 */
function credentialUpdate(
  storedHash: string,
  patch: { secretHash?: string | undefined; disabled?: boolean | undefined },
): {
  columns: { secret_hash?: string; disabled?: number; credential_version?: RawBuilder<number> };
  endsSessions: boolean;
} {
  const endsSessions =
    (patch.secretHash !== undefined && patch.secretHash !== storedHash) || patch.disabled === true;
  return {
    endsSessions,
    columns: {
      ...(patch.secretHash !== undefined ? { secret_hash: patch.secretHash } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
      ...(endsSessions ? { credential_version: sql<number>`credential_version + 1` } : {}),
    },
  };
}
