/**
 * Reads the access model from the store as one consistent snapshot, plus the credential
 * records the authenticator needs. The snapshot is what the token endpoint decides with; it is
 * rebuilt when `model_version` (bumped by every change) moves, so replicas on one PostgreSQL
 * converge within one poll interval.
 */
import type { Kysely } from 'kysely';
import type { AccessMode, App, Group, Privilege, Registry, Robot, Service, User } from '../domain/model.ts';
import type { Database } from './schema.ts';

export interface CredentialRecord {
  readonly kind: 'user' | 'service' | 'robot';
  readonly name: string;
  /** Password hash (users) or secret hash (services, robots); null = no password login. */
  readonly hash: string | null;
  readonly credentialVersion: number;
  /** Users: when their throttled logins were last forgotten (epoch ms; 0 = never). */
  readonly unlockedAt?: number;
  /** Never reused: a principal deleted and created again under the same name gets another. */
  readonly principalId: string;
  /** Users only: the identity source the user is bound to; null = a local account. */
  readonly source: string | null;
}

export interface AccessSnapshot {
  readonly version: number;
  readonly mode: AccessMode;
  readonly users: readonly User[];
  readonly groups: readonly Group[];
  readonly apps: readonly App[];
  readonly services: readonly Service[];
  readonly robots: readonly Robot[];
  readonly registries: readonly Registry[];
  readonly rules: readonly unknown[];
  readonly credentials: ReadonlyMap<string, CredentialRecord>;
}

export async function readModelVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'model_version')
    .executeTakeFirst();
  return row ? Number(row.value) : 0;
}

/** Bumps the model version; call inside the transaction that changed the model. */
export async function bumpModelVersion(db: Kysely<Database>): Promise<void> {
  const updated = await db
    .updateTable('meta')
    .set((eb) => ({ value: eb.cast<string>(eb(eb.cast<number>('value', 'integer'), '+', 1), 'text') }))
    .where('key', '=', 'model_version')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await db
      .insertInto('meta')
      .values({ key: 'model_version', value: '1' })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}

export async function readSnapshot(db: Kysely<Database>, mode: AccessMode): Promise<AccessSnapshot> {
  return db.transaction().execute(async (trx) => {
    const version = await readModelVersion(trx);
    const [
      groupRows,
      userRows,
      userGroupRows,
      appRows,
      appGroupRows,
      serviceRows,
      robotRows,
      registryRows,
      registryGroupRows,
      ruleRows,
    ] = await Promise.all([
      trx.selectFrom('groups').select(['id', 'name']).orderBy('id').execute(),
      trx.selectFrom('users').selectAll().orderBy('id').execute(),
      trx.selectFrom('user_groups').selectAll().orderBy('user_id').orderBy('position').execute(),
      trx.selectFrom('apps').select(['id', 'name']).orderBy('id').execute(),
      trx.selectFrom('app_groups').selectAll().execute(),
      trx.selectFrom('services').selectAll().orderBy('id').execute(),
      trx.selectFrom('robots').selectAll().orderBy('id').execute(),
      trx.selectFrom('registries').selectAll().orderBy('id').execute(),
      trx.selectFrom('registry_groups').selectAll().execute(),
      trx.selectFrom('policy_rules').selectAll().orderBy('position').execute(),
    ]);
    const groupsOf = multimap(userGroupRows.map((r) => [r.user_id, r.group_id]));
    const appPublications = multimap(
      appGroupRows.filter((r) => r.role === 'publication').map((r) => [r.app_id, r.group_id]),
    );
    const appResponsibles = multimap(
      appGroupRows.filter((r) => r.role === 'responsible').map((r) => [r.app_id, r.group_id]),
    );
    const regPublications = multimap(
      registryGroupRows.filter((r) => r.role === 'publication').map((r) => [r.registry_id, r.group_id]),
    );
    const regResponsibles = multimap(
      registryGroupRows.filter((r) => r.role === 'responsible').map((r) => [r.registry_id, r.group_id]),
    );
    const credentials = new Map<string, CredentialRecord>();
    const users: User[] = userRows.map((r) => {
      credentials.set(r.name, {
        kind: 'user',
        name: r.name,
        hash: r.password_hash,
        credentialVersion: r.credential_version,
        unlockedAt: Number(r.unlocked_at),
        principalId: r.principal_id,
        source: r.source,
      });
      return {
        id: r.id,
        name: r.name,
        groups: groupsOf.get(r.id) ?? [],
        privileges: JSON.parse(r.privileges) as Privilege[],
        admin: r.admin === 1,
        disabled: r.disabled === 1,
      };
    });
    const services: Service[] = serviceRows.map((r) => {
      credentials.set(r.name, {
        kind: 'service',
        name: r.name,
        hash: r.secret_hash,
        credentialVersion: r.credential_version,
        principalId: r.principal_id,
        source: null,
      });
      return { id: r.id, name: r.name, appId: r.app_id, disabled: r.disabled === 1 };
    });
    const robots: Robot[] = robotRows.map((r) => {
      credentials.set(r.name, {
        kind: 'robot',
        name: r.name,
        hash: r.secret_hash,
        credentialVersion: r.credential_version,
        principalId: r.principal_id,
        source: null,
      });
      return {
        id: r.id,
        name: r.name,
        repositories: JSON.parse(r.repositories) as string[],
        permission: r.permission,
        expiresAt: r.expires_at === null ? null : Number(r.expires_at),
        disabled: r.disabled === 1,
      };
    });
    return {
      version,
      mode,
      users,
      groups: groupRows,
      apps: appRows.map((r) => ({
        id: r.id,
        name: r.name,
        publications: appPublications.get(r.id) ?? [],
        responsibles: appResponsibles.get(r.id) ?? [],
      })),
      services,
      robots,
      registries: registryRows.map((r) => ({
        id: r.id,
        service: r.service,
        url: r.url,
        insecure: r.insecure === 1,
        restricted: r.restricted === 1,
        publications: regPublications.get(r.id) ?? [],
        responsibles: regResponsibles.get(r.id) ?? [],
      })),
      rules: ruleRows.map((r) => JSON.parse(r.body) as unknown),
      credentials,
    };
  });
}

function multimap(pairs: readonly (readonly [number, number])[]): Map<number, number[]> {
  const map = new Map<number, number[]>();
  for (const [key, value] of pairs) {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  }
  return map;
}
