/**
 * Writes robot accounts (Quay-style `owner+name`, limited to repository globs): one
 * transaction per change (see model-change.ts); patches as for users.
 */
import type { Kysely } from 'kysely';
import { checkName } from '../../domain/entity-names.ts';
import { BadRequest, NotFound } from '../../domain/errors.ts';
import type { RobotPermission } from '../../domain/model.ts';
import { newPrincipalId } from '../principal-id.ts';
import type { Database } from '../schema.ts';
import { type CredentialPatch, credentialUpdate } from './credential-columns.ts';
import { refuseNameTaken } from './login-names.ts';
import { type ChangeOptions, changeModel, type Upserted } from './model-change.ts';
import { revokeRefreshTokens } from './refresh-tokens.ts';

export interface RobotPatch extends CredentialPatch {
  name: string;
  repositories?: readonly string[] | undefined;
  permission?: RobotPermission | undefined;
  /** Epoch milliseconds; null: never expires; undefined: unchanged. */
  expiresAt?: number | null | undefined;
}

export class RobotWriter {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(patch: RobotPatch, options?: ChangeOptions): Promise<Upserted> {
    checkName('robot', patch.name);
    return changeModel(
      this.db,
      async (trx) => {
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
              principal_id: newPrincipalId(),
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
      },
      options,
    );
  }

  /** Its refresh tokens die with it. */
  delete(name: string): Promise<void> {
    return changeModel(this.db, async (trx) => {
      const result = await trx.deleteFrom('robots').where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound(`no robot named "${name}"`);
      await revokeRefreshTokens(trx, 'robot', name);
    });
  }

  /** The stored secret hash, or undefined when there is no such robot. */
  async storedSecretHash(name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('robots')
      .select('secret_hash')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.secret_hash;
  }
}
