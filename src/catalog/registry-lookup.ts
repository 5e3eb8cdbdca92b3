/**
 * Registries as the catalog needs them: the domain record (with publication and responsible
 * groups) by service name, and the list of all registries for the discovery scheduler.
 */
import type { Kysely } from 'kysely';
import { NotFound } from '../domain/errors.ts';
import type { Registry } from '../domain/model.ts';
import type { Database } from '../store/schema.ts';

export interface CatalogRegistry extends Registry {
  /** Seconds between discovery runs; null = the default. */
  readonly syncInterval: number | null;
}

export async function listRegistries(db: Kysely<Database>): Promise<CatalogRegistry[]> {
  const [rows, groups] = await Promise.all([
    db.selectFrom('registries').selectAll().orderBy('id').execute(),
    db.selectFrom('registry_groups').selectAll().execute(),
  ]);
  return rows.map((row) => ({
    id: Number(row.id),
    service: row.service,
    url: row.url,
    insecure: row.insecure === 1,
    restricted: row.restricted === 1,
    publications: groups
      .filter((g) => Number(g.registry_id) === Number(row.id) && g.role === 'publication')
      .map((g) => Number(g.group_id)),
    responsibles: groups
      .filter((g) => Number(g.registry_id) === Number(row.id) && g.role === 'responsible')
      .map((g) => Number(g.group_id)),
    syncInterval: row.sync_interval === null ? null : Number(row.sync_interval),
  }));
}

export async function findRegistry(
  db: Kysely<Database>,
  service: string,
): Promise<CatalogRegistry | undefined> {
  const row = await db.selectFrom('registries').selectAll().where('service', '=', service).executeTakeFirst();
  if (!row) return undefined;
  const groups = await db
    .selectFrom('registry_groups')
    .selectAll()
    .where('registry_id', '=', row.id)
    .execute();
  return {
    id: Number(row.id),
    service: row.service,
    url: row.url,
    insecure: row.insecure === 1,
    restricted: row.restricted === 1,
    publications: groups.filter((g) => g.role === 'publication').map((g) => Number(g.group_id)),
    responsibles: groups.filter((g) => g.role === 'responsible').map((g) => Number(g.group_id)),
    syncInterval: row.sync_interval === null ? null : Number(row.sync_interval),
  };
}

export async function requireRegistry(db: Kysely<Database>, service: string): Promise<CatalogRegistry> {
  const registry = await findRegistry(db, service);
  if (!registry) throw new NotFound(`no registry with service "${service}" (purser registry ls lists them)`);
  return registry;
}
