/**
 * The repository index in the store: repositories, their tags (with digests when known),
 * stars, and the `docker search` properties. Events and discovery write here; writes that carry
 * a time never let an older fact overwrite a newer one, so events may arrive in any order.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface RepositoryRow {
  readonly id: number;
  readonly registryId: number;
  readonly name: string;
  readonly description: string;
  readonly starCount: number;
  readonly official: boolean;
  readonly automated: boolean;
  readonly empty: boolean;
  readonly lastPushAt: number | null;
  readonly tagCount: number;
}

/** Bumped on every index change so search caches (in this and other replicas) reload. */
export async function bumpCatalogVersion(db: Db): Promise<void> {
  const updated = await db
    .updateTable('meta')
    .set((eb) => ({ value: eb.cast<string>(eb(eb.cast<number>('value', 'integer'), '+', 1), 'text') }))
    .where('key', '=', 'catalog_version')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await db
      .insertInto('meta')
      .values({ key: 'catalog_version', value: '1' })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}

export async function readCatalogVersion(db: Db): Promise<number> {
  const row = await db
    .selectFrom('meta')
    .select('value')
    .where('key', '=', 'catalog_version')
    .executeTakeFirst();
  return row ? Number(row.value) : 0;
}

/** The repository's id, creating the row when it is new. */
export async function ensureRepository(
  db: Db,
  registryId: number,
  name: string,
  now: number,
): Promise<number> {
  const existing = await db
    .selectFrom('repositories')
    .select('id')
    .where('registry_id', '=', registryId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing) return Number(existing.id);
  await db
    .insertInto('repositories')
    .values({
      registry_id: registryId,
      name,
      description: '',
      star_count: 0,
      official: 0,
      automated: 0,
      empty: 1,
      last_push_at: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['registry_id', 'name']).doNothing())
    .execute();
  const row = await db
    .selectFrom('repositories')
    .select('id')
    .where('registry_id', '=', registryId)
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function findRepositoryId(
  db: Db,
  registryId: number,
  name: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('repositories')
    .select('id')
    .where('registry_id', '=', registryId)
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/** A tag now points to `digest` (a manifest push seen at `time`). */
export async function applyTagPush(
  db: Db,
  repositoryId: number,
  tag: string,
  digest: string | null,
  time: number,
): Promise<void> {
  const current = await db
    .selectFrom('repository_tags')
    .select(['updated_at'])
    .where('repository_id', '=', repositoryId)
    .where('tag', '=', tag)
    .executeTakeFirst();
  if (current && Number(current.updated_at) > time) return;
  if (current) {
    await db
      .updateTable('repository_tags')
      .set({ digest, updated_at: time })
      .where('repository_id', '=', repositoryId)
      .where('tag', '=', tag)
      .execute();
  } else {
    await db
      .insertInto('repository_tags')
      .values({ repository_id: repositoryId, tag, digest, updated_at: time })
      .onConflict((oc) => oc.columns(['repository_id', 'tag']).doNothing())
      .execute();
  }
  await db
    .updateTable('repositories')
    .set({ empty: 0, updated_at: Date.now() })
    .where('id', '=', repositoryId)
    .execute();
  await db
    .updateTable('repositories')
    .set({ last_push_at: time })
    .where('id', '=', repositoryId)
    .where((eb) => eb.or([eb('last_push_at', 'is', null), eb('last_push_at', '<', time)]))
    .execute();
}

/** Removes a tag (a tag delete event, or a sync that no longer sees it). */
export async function applyTagDelete(db: Db, repositoryId: number, tag: string, time: number): Promise<void> {
  await db
    .deleteFrom('repository_tags')
    .where('repository_id', '=', repositoryId)
    .where('tag', '=', tag)
    .where('updated_at', '<=', time)
    .execute();
  await refreshEmpty(db, repositoryId);
}

/** A manifest was deleted: every tag that pointed to it is gone. */
export async function applyDigestDelete(
  db: Db,
  repositoryId: number,
  digest: string,
  time: number,
): Promise<void> {
  await db
    .deleteFrom('repository_tags')
    .where('repository_id', '=', repositoryId)
    .where('digest', '=', digest)
    .where('updated_at', '<=', time)
    .execute();
  await refreshEmpty(db, repositoryId);
}

export async function refreshEmpty(db: Db, repositoryId: number): Promise<void> {
  const row = await db
    .selectFrom('repository_tags')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('repository_id', '=', repositoryId)
    .executeTakeFirst();
  const empty = Number(row?.n ?? 0) === 0 ? 1 : 0;
  await db
    .updateTable('repositories')
    .set({ empty, updated_at: Date.now() })
    .where('id', '=', repositoryId)
    .where('empty', '!=', empty)
    .execute();
}

export async function tagsOf(
  db: Db,
  repositoryId: number,
): Promise<Map<string, { digest: string | null; updatedAt: number }>> {
  const rows = await db
    .selectFrom('repository_tags')
    .select(['tag', 'digest', 'updated_at'])
    .where('repository_id', '=', repositoryId)
    .execute();
  return new Map(rows.map((r) => [r.tag, { digest: r.digest, updatedAt: Number(r.updated_at) }]));
}

/** Rows read per query when loading the index: bounds the transient memory of a big load. */
const LOAD_PAGE = 5_000;

/** Every repository with its tag count, as an array (small catalogs, tests). */
export async function loadRepositories(db: Db, registryId?: number): Promise<RepositoryRow[]> {
  const result: RepositoryRow[] = [];
  await scanRepositories(db, (row) => result.push(row), registryId);
  return result;
}

/**
 * Every repository with its tag count (for the in-memory search index), read in pages so that
 * only one page of raw rows exists at a time, each row handed to `visit` registry by registry in
 * name order of the store's collation: each page is a range of the unique (registry_id, name)
 * index (`registry_id = ? AND name > ?`), so a page costs its own rows, never a scan.
 */
export async function scanRepositories(
  db: Db,
  visit: (row: RepositoryRow) => void,
  registryId?: number,
): Promise<void> {
  const registries =
    registryId !== undefined
      ? [registryId]
      : (await db.selectFrom('registries').select('id').orderBy('id').execute()).map((r) => Number(r.id));
  for (const id of registries) await scanRegistry(db, id, visit);
}

async function scanRegistry(db: Db, registryId: number, visit: (row: RepositoryRow) => void): Promise<void> {
  let after: string | undefined;
  for (;;) {
    let query = db
      .selectFrom('repositories as r')
      .select((eb) => [
        'r.id',
        'r.name',
        'r.description',
        'r.star_count',
        'r.official',
        'r.automated',
        'r.empty',
        'r.last_push_at',
        eb
          .selectFrom('repository_tags as t')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('t.repository_id', '=', 'r.id')
          .as('n'),
      ])
      .where('r.registry_id', '=', registryId)
      .orderBy('r.name')
      .limit(LOAD_PAGE);
    if (after !== undefined) query = query.where('r.name', '>', after);
    const rows = await query.execute();
    for (const r of rows) {
      visit({
        id: Number(r.id),
        registryId,
        name: r.name,
        description: r.description,
        starCount: Number(r.star_count),
        official: r.official === 1,
        automated: r.automated === 1,
        empty: r.empty === 1,
        lastPushAt: r.last_push_at === null ? null : Number(r.last_push_at),
        tagCount: Number(r.n ?? 0),
      });
    }
    if (rows.length < LOAD_PAGE) return;
    after = rows[rows.length - 1]!.name;
  }
}

/** Tags (sorted) for a set of repository ids, for `/v2/search` and the catalog API. */
export async function tagsFor(db: Db, repositoryIds: readonly number[]): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  if (repositoryIds.length === 0) return result;
  const rows = await db
    .selectFrom('repository_tags')
    .select(['repository_id', 'tag'])
    .where('repository_id', 'in', repositoryIds)
    .orderBy('tag')
    .execute();
  for (const row of rows) {
    const id = Number(row.repository_id);
    const list = result.get(id) ?? [];
    list.push(row.tag);
    result.set(id, list);
  }
  return result;
}
