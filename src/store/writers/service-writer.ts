/** Writes service accounts: one transaction per change (see model-change.ts); patches as for users. */
import type { Kysely } from 'kysely';
import { checkName } from '../../domain/entity-names.ts';
import { BadRequest, NotFound } from '../../domain/errors.ts';
import { newPrincipalId } from '../principal-id.ts';
import type { Database } from '../schema.ts';
import { type CredentialPatch, credentialUpdate } from './credential-columns.ts';
import { refuseNameTaken } from './login-names.ts';
import { type ChangeOptions, changeModel, type ModelTransaction, type Upserted } from './model-change.ts';
import { revokeRefreshTokens } from './refresh-tokens.ts';

export interface ServicePatch extends CredentialPatch {
  name: string;
  /** The app it runs; null: none; undefined: unchanged. */
  app?: string | null | undefined;
}

export class ServiceWriter {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(patch: ServicePatch, options?: ChangeOptions): Promise<Upserted> {
    checkName('service', patch.name);
    return changeModel(
      this.db,
      async (trx) => {
        await refuseNameTaken(trx, patch.name, 'services');
        const now = Date.now();
        const appId = await appIdOf(trx, patch.app);
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
              principal_id: newPrincipalId(),
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
      },
      options,
    );
  }

  /** Its refresh tokens die with it. */
  delete(name: string): Promise<void> {
    return changeModel(this.db, async (trx) => {
      const result = await trx.deleteFrom('services').where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound(`no service named "${name}"`);
      await revokeRefreshTokens(trx, 'service', name);
    });
  }

  /** The stored secret hash, or undefined when there is no such service. */
  async storedSecretHash(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('services')
      .select('secret_hash')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.secret_hash;
  }
}

async function appIdOf(
  trx: ModelTransaction,
  app: string | null | undefined,
): Promise<number | null | undefined> {
  if (app === null || app === undefined) return app;
  const row = await trx.selectFrom('apps').select('id').where('name', '=', app).executeTakeFirst();
  if (!row) throw new BadRequest(`unknown app "${app}"`);
  return row.id;
}
