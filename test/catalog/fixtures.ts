/**
 * Shared fixtures for catalog tests: a migrated SQLite store in a temp dir, registry rows, and a
 * small access model (alice and bob in `dev`, which the registry publishes to).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Principal, Registry, User } from '../../src/domain/model.ts';
import { AccessModel, type AccessModelInput } from '../../src/policy/access-model.ts';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.ts';

export interface TestStore {
  readonly handle: DatabaseHandle;
  readonly dir: string;
  close(): Promise<void>;
}

export async function openTestStore(
  dir = mkdtempSync(join(tmpdir(), 'purser-catalog-')),
): Promise<TestStore> {
  const handle = await openDatabase({ dataDir: dir });
  return {
    handle,
    dir,
    async close() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function insertRegistry(
  handle: DatabaseHandle,
  service: string,
  url: string,
  groups: { publications?: number[]; responsibles?: number[] } = {},
): Promise<Registry> {
  const now = Date.now();
  await handle.db
    .insertInto('registries')
    .values({
      service,
      url,
      insecure: 1,
      restricted: 0,
      notify_secret_hash: null,
      sync_interval: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const row = await handle.db
    .selectFrom('registries')
    .select('id')
    .where('service', '=', service)
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  for (const g of new Set([...(groups.publications ?? []), ...(groups.responsibles ?? [])])) {
    await handle.db
      .insertInto('groups')
      .values({ id: g, name: `g${g}`, created_at: now })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  for (const g of groups.publications ?? [])
    await handle.db
      .insertInto('registry_groups')
      .values({ registry_id: id, group_id: g, role: 'publication' })
      .execute();
  for (const g of groups.responsibles ?? [])
    await handle.db
      .insertInto('registry_groups')
      .values({ registry_id: id, group_id: g, role: 'responsible' })
      .execute();
  return {
    id,
    service,
    url,
    insecure: true,
    restricted: false,
    publications: groups.publications ?? [],
    responsibles: groups.responsibles ?? [],
  };
}

export const DEV = 10;
export const OPS = 11;

export function user(id: number, name: string, extra: Partial<User> = {}): User {
  return {
    id,
    name,
    groups: [DEV],
    privileges: ['DockerRegistriesPuller', 'DockerRegistriesPusher'],
    admin: false,
    disabled: false,
    ...extra,
  };
}

export const alice = user(1, 'alice');
export const bob = user(2, 'bob');
export const carol = user(3, 'carol', {
  groups: [OPS],
  privileges: ['DockerRegistriesPuller', 'DockerRegistriesPusher', 'DockerRegistriesManager'],
});
export const admin = user(4, 'root', { admin: true, groups: [] });

export function principal(u: User): Principal {
  return { kind: 'user', user: u };
}

export const ANONYMOUS: Principal = { kind: 'anonymous' };

export function testModel(
  registries: readonly Registry[],
  extra: Partial<AccessModelInput> = {},
): AccessModel {
  return new AccessModel({
    users: [alice, bob, carol, admin],
    groups: [
      { id: DEV, name: 'dev' },
      { id: OPS, name: 'ops' },
    ],
    registries,
    ...extra,
  });
}
