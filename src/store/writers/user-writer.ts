/**
 * Writes users: one transaction per change (see model-change.ts). Upserts take patches: fields
 * left undefined keep their stored value. A new password hash or a disable bumps
 * `credential_version` (cached credential checks stop matching) and ends refresh tokens.
 */
import type { Kysely } from 'kysely';
import { checkName } from '../../domain/entity-names.ts';
import { Conflict, NotFound } from '../../domain/errors.ts';
import type { Privilege } from '../../domain/model.ts';
import { newPrincipalId } from '../principal-id.ts';
import type { Database } from '../schema.ts';
import { ensureGroups } from './group-names.ts';
import { refuseNameTaken } from './login-names.ts';
import { type ChangeOptions, changeModel, type ModelTransaction, type Upserted } from './model-change.ts';
import { newId } from './numbered-ids.ts';
import { revokeRefreshTokens } from './refresh-tokens.ts';

export interface UserPatch {
  name: string;
  id?: number | undefined;
  passwordHash?: string | null | undefined;
  /** Group names, the first being the primary group; missing groups are created. */
  groups?: readonly string[] | undefined;
  privileges?: readonly Privilege[] | undefined;
  admin?: boolean | undefined;
  disabled?: boolean | undefined;
  /** The identity source the user is bound to (null: a local account); set when created. */
  source?: string | null | undefined;
  /** The source's stable id of the person (LDAP DN, OIDC sub). */
  externalId?: string | null | undefined;
}

export class UserWriter {
  constructor(private readonly db: Kysely<Database>) {}

  /** With `options.conflict`, a create: Conflict when the user exists. */
  async upsert(patch: UserPatch, options?: ChangeOptions): Promise<Upserted> {
    checkName('user', patch.name);
    return changeModel(this.db, (trx) => upsertUser(trx, patch), options);
  }

  delete(name: string): Promise<void> {
    return changeModel(this.db, async (trx) => {
      const result = await trx.deleteFrom('users').where('name', '=', name).executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new NotFound(`no user named "${name}"`);
      await revokeRefreshTokens(trx, 'user', name);
    });
  }

  /** Marks the user's throttled logins as forgotten (every process's authority applies it). */
  unlock(name: string): Promise<void> {
    return changeModel(this.db, async (trx) => {
      const result = await trx
        .updateTable('users')
        .set({ unlocked_at: Date.now() })
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new NotFound(`no user named "${name}"`);
    });
  }

  /** The stored password hash (null: no password login; undefined: no such user). */
  async storedPasswordHash(name: string): Promise<string | null | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select('password_hash')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.password_hash;
  }

  /**
   * Ends a user's sessions without touching their password: credential_version moves (cached
   * checks stop matching), refresh tokens and the CLI secret are revoked. Before a new CLI secret.
   */
  endSessions(name: string): Promise<void> {
    return changeModel(this.db, async (trx) => {
      const result = await trx
        .updateTable('users')
        .set((eb) => ({ credential_version: eb('credential_version', '+', 1), updated_at: Date.now() }))
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new NotFound(`no user named "${name}"`);
      await revokeRefreshTokens(trx, 'user', name);
    });
  }

  /** The source's id of a bound user (null: local, or bound before one was kept). */
  async externalId(name: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('users')
      .select('external_id')
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.external_id ?? null;
  }

  /** No administrator exists and none was created at a first start before. */
  async firstAdministratorNeeded(): Promise<boolean> {
    return !(await firstAdministratorDone(this.db));
  }

  /**
   * Creates the first administrator unless an administrator exists or one was created before
   * (the `bootstrap_admin` mark); true when it did. One transaction, so two replicas starting
   * at once create it once.
   */
  async createFirstAdministrator(patch: UserPatch): Promise<boolean> {
    checkName('user', patch.name);
    return changeModel(this.db, async (trx) => {
      if (await firstAdministratorDone(trx)) return false;
      await upsertUser(trx, { ...patch, admin: true });
      await trx
        .insertInto('meta')
        .values({ key: 'bootstrap_admin', value: String(Date.now()) })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      return true;
    });
  }
}

async function firstAdministratorDone(db: Kysely<Database>): Promise<boolean> {
  const anyAdmin = await db.selectFrom('users').select('id').where('admin', '=', 1).executeTakeFirst();
  if (anyAdmin) return true;
  const mark = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'bootstrap_admin')
    .executeTakeFirst();
  return mark !== undefined;
}

async function upsertUser(trx: ModelTransaction, patch: UserPatch): Promise<Upserted> {
  await refuseNameTaken(trx, patch.name, 'users');
  const now = Date.now();
  const stored = await trx
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where('name', '=', patch.name)
    .executeTakeFirst();
  let userId: number;
  if (!stored) {
    userId = await newId(trx, 'users', patch.id);
    await trx
      .insertInto('users')
      .values({
        id: userId,
        name: patch.name,
        password_hash: patch.passwordHash ?? null,
        privileges: JSON.stringify(patch.privileges ?? []),
        admin: patch.admin ? 1 : 0,
        disabled: patch.disabled ? 1 : 0,
        credential_version: 1,
        principal_id: newPrincipalId(),
        source: patch.source ?? null,
        external_id: patch.externalId ?? null,
        created_at: now,
        updated_at: now,
      })
      .execute();
  } else {
    userId = stored.id;
    if (patch.id !== undefined && patch.id !== stored.id)
      throw new Conflict(`user "${patch.name}" already has id ${stored.id}`);
    const endsSessions =
      (patch.passwordHash !== undefined && patch.passwordHash !== stored.password_hash) ||
      patch.disabled === true;
    await trx
      .updateTable('users')
      .set((eb) => ({
        updated_at: now,
        ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
        ...(patch.privileges !== undefined ? { privileges: JSON.stringify(patch.privileges) } : {}),
        ...(patch.admin !== undefined ? { admin: patch.admin ? 1 : 0 } : {}),
        ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
        ...(patch.source !== undefined ? { source: patch.source } : {}),
        ...(patch.externalId !== undefined ? { external_id: patch.externalId } : {}),
        ...(endsSessions ? { credential_version: eb('credential_version', '+', 1) } : {}),
      }))
      .where('id', '=', stored.id)
      .execute();
    // Once, whether the password changed, the user was disabled, or both.
    if (endsSessions) await revokeRefreshTokens(trx, 'user', patch.name);
  }
  if (patch.groups !== undefined) {
    const ids = await ensureGroups(trx, patch.groups);
    await trx.deleteFrom('user_groups').where('user_id', '=', userId).execute();
    if (ids.length > 0) {
      await trx
        .insertInto('user_groups')
        .values(ids.map((group_id, position) => ({ user_id: userId, group_id, position })))
        .execute();
    }
  }
  return stored ? 'updated' : 'created';
}
