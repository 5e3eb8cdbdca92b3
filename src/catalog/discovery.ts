/**
 * Discovery: walks a registry's `/v2/_catalog` and each repository's tags (with pagination),
 * and reconciles the repository index with what it saw.
 *
 * Safe by construction (Portus' sync wiped content when a fetch failed; this never does):
 *  - a repository whose tags could not be fetched is left exactly as it was;
 *  - repositories missing from the catalog are only marked empty when every catalog page was
 *    read, and never deleted;
 *  - a tag is removed only when a successful tags/list no longer has it, and only if no event
 *    newer than that fetch re-pushed it.
 * Incremental: only new tags are resolved to digests (HEAD), and only changed repositories are
 * written, so a resync with no change is mostly the registry round trips.
 *
 * Over 300 lines on purpose: the walk and the safety rules above read as one procedure.
 */
import type { Kysely } from 'kysely';
import { RegistryClient, type TokenSource } from '../registry-client/registry-client.ts';
import { RegistryRequestError } from '../registry-client/registry-request-error.ts';
import type { Database } from '../store/schema.ts';
import {
  applyTagDelete,
  applyTagPush,
  bumpCatalogVersion,
  ensureRepository,
  refreshEmpty,
} from './repository-store.ts';
import { markFinished, markRunning } from './sync-state.ts';

export interface SyncProgress {
  readonly phase: 'catalog' | 'tags' | 'digests' | 'done';
  readonly total: number;
  readonly done: number;
  readonly failures: number;
}

export interface SyncOptions {
  /** Parallel registry requests. Default 16. */
  concurrency?: number;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  /** Catalog page size. Default 1000. */
  pageSize?: number;
  /** Re-resolve the digest of every tag, not only new ones. */
  deep?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

export interface SyncReport {
  readonly service: string;
  readonly repositories: number;
  readonly newRepositories: number;
  /** Repositories whose tags changed. */
  readonly changedRepositories: number;
  readonly tagsAdded: number;
  readonly tagsRemoved: number;
  /** Repositories now without tags. */
  readonly emptied: number;
  readonly failures: number;
  /** Whether every catalog page was read. */
  readonly catalogComplete: boolean;
  readonly errors: readonly string[];
  /** Tags whose manifest digest was looked up (HEAD) in this run. */
  readonly digestsResolved: number;
  /** Time until the index had every repository and tag (before digests were resolved). */
  readonly indexedMs: number;
  readonly durationMs: number;
}

/** Whether a run changed the index (each such change also bumped the catalog version). */
export function indexChanged(report: SyncReport): boolean {
  return (
    report.newRepositories +
      report.changedRepositories +
      report.tagsAdded +
      report.tagsRemoved +
      report.emptied +
      report.digestsResolved >
    0
  );
}

interface KnownRepository {
  id: number;
  empty: boolean;
  tags: Map<string, string | null>;
}

interface FetchedRepository {
  name: string;
  fetchedAt: number;
  tags: Map<string, string | null>;
}

const FLUSH_EVERY = 200;

export async function syncRegistry(
  db: Kysely<Database>,
  registry: { id: number; service: string; url: string; insecure?: boolean },
  tokens: TokenSource | undefined,
  options: SyncOptions = {},
): Promise<SyncReport> {
  const started = Date.now();
  const concurrency = options.concurrency ?? 16;
  const client = new RegistryClient({
    url: registry.url,
    tokens,
    timeoutMs: options.timeoutMs ?? 10_000,
    signal: options.signal,
    userAgent: 'purser-discovery',
    insecure: registry.insecure === true,
  });
  const errors: string[] = [];
  const note = (message: string) => {
    if (errors.length < 50) errors.push(message);
  };
  await markRunning(db, registry.id, started);

  const names: string[] = [];
  let catalogComplete = true;
  options.onProgress?.({ phase: 'catalog', total: 0, done: 0, failures: 0 });
  try {
    for await (const page of client.catalogPages(options.pageSize ?? 1000)) {
      names.push(...page);
      options.onProgress?.({ phase: 'catalog', total: names.length, done: 0, failures: 0 });
    }
  } catch (error) {
    catalogComplete = false;
    note(message(error));
  }

  // What the store knows is read only when there is something to compare it with: a registry
  // that is down (at start, say) costs no read of every repository it had — at a million
  // repositories, seconds of work and hundreds of MB of garbage at the start-up peak.
  const known =
    names.length > 0 || catalogComplete
      ? await loadKnown(db, registry.id)
      : new Map<string, KnownRepository>();
  let failures = catalogComplete ? 0 : 1;
  let done = 0;
  const counters = { newRepositories: 0, changedRepositories: 0, tagsAdded: 0, tagsRemoved: 0, emptied: 0 };
  let pending: FetchedRepository[] = [];
  const unresolved: { repository: string; tag: string }[] = [];
  let changed = false;
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    await db.transaction().execute(async (trx) => {
      for (const fetched of batch) {
        const current = known.get(fetched.name);
        const added = [...fetched.tags].filter(
          ([tag, digest]) => !current?.tags.has(tag) || (digest !== null && current.tags.get(tag) !== digest),
        );
        const removed = current ? [...current.tags.keys()].filter((tag) => !fetched.tags.has(tag)) : [];
        const isNew = current === undefined;
        const emptyNow = fetched.tags.size === 0;
        if (!isNew && added.length === 0 && removed.length === 0 && current.empty === emptyNow) continue;
        const id = current?.id ?? (await ensureRepository(trx, registry.id, fetched.name, fetched.fetchedAt));
        for (const [tag, digest] of added) await applyTagPush(trx, id, tag, digest, fetched.fetchedAt);
        for (const tag of removed) await applyTagDelete(trx, id, tag, fetched.fetchedAt);
        await refreshEmpty(trx, id);
        if (isNew) counters.newRepositories++;
        if (added.length > 0 || removed.length > 0) counters.changedRepositories++;
        counters.tagsAdded += added.filter(([tag]) => !current?.tags.has(tag)).length;
        counters.tagsRemoved += removed.length;
        if (emptyNow && (isNew || !current.empty)) counters.emptied++;
        changed = true;
      }
      if (changed) await bumpCatalogVersion(trx);
    });
  };

  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      if (options.signal?.aborted) return;
      const name = names[next++]!;
      const fetched = await fetchRepository(client, name, known.get(name)).catch((error: unknown) => {
        failures++;
        note(`${name}: ${message(error)}`);
        return undefined;
      });
      if (fetched) {
        for (const [tag, digest] of fetched.tags)
          if (digest === null || options.deep) unresolved.push({ repository: name, tag });
        pending.push(fetched);
        if (pending.length >= FLUSH_EVERY) await flush();
      }
      done++;
      options.onProgress?.({ phase: 'tags', total: names.length, done, failures });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, names.length)) }, worker));
  await flush();

  // Repositories the complete catalog no longer lists: keep them, but without tags.
  if (catalogComplete && !options.signal?.aborted) {
    const listed = new Set(names);
    for (const [name, repo] of known) {
      if (listed.has(name) || (repo.empty && repo.tags.size === 0)) continue;
      pending.push({ name, fetchedAt: started, tags: new Map() });
    }
    await flush();
  }

  const indexedMs = Date.now() - started;
  const digestsResolved = options.signal?.aborted
    ? 0
    : await resolveDigests(db, registry.id, client, unresolved, concurrency, options);

  const report: SyncReport = {
    service: registry.service,
    repositories: names.length,
    ...counters,
    failures,
    catalogComplete,
    errors,
    digestsResolved,
    indexedMs,
    durationMs: Date.now() - started,
  };
  await markFinished(db, registry.id, report, options.signal?.aborted ? 'aborted' : undefined);
  options.onProgress?.({ phase: 'done', total: names.length, done, failures });
  return report;
}

async function fetchRepository(
  client: RegistryClient,
  name: string,
  known: KnownRepository | undefined,
): Promise<FetchedRepository> {
  const fetchedAt = Date.now();
  let tagList: string[];
  try {
    tagList = await client.listTags(name);
  } catch (error) {
    // A repository the registry no longer knows has no tags; anything else is a failure.
    if (error instanceof RegistryRequestError && error.notFound && error.registryCode === 'NAME_UNKNOWN')
      tagList = [];
    else throw error;
  }
  const tags = new Map<string, string | null>();
  // Digests are resolved afterwards (resolveDigests), so the index is complete quickly.
  for (const tag of tagList) tags.set(tag, known?.tags.get(tag) ?? null);
  return { name, fetchedAt, tags };
}

/**
 * Looks up the manifest digest of tags that have none yet (or all, with `deep`), after the index
 * is complete. A failed lookup leaves the digest unknown; a tag an event changed meanwhile keeps
 * the event's digest.
 */
async function resolveDigests(
  db: Kysely<Database>,
  registryId: number,
  client: RegistryClient,
  wanted: readonly { repository: string; tag: string }[],
  concurrency: number,
  options: SyncOptions,
): Promise<number> {
  if (wanted.length === 0) return 0;
  const ids = new Map(
    (
      await db
        .selectFrom('repositories')
        .select(['id', 'name'])
        .where('registry_id', '=', registryId)
        .execute()
    ).map((r) => [r.name, Number(r.id)]),
  );
  let resolved = 0;
  let done = 0;
  let batch: { id: number; tag: string; digest: string; at: number }[] = [];
  const flush = async () => {
    const rows = batch;
    batch = [];
    if (rows.length === 0) return;
    await db.transaction().execute(async (trx) => {
      for (const row of rows) {
        await trx
          .updateTable('repository_tags')
          .set({ digest: row.digest })
          .where('repository_id', '=', row.id)
          .where('tag', '=', row.tag)
          .where('updated_at', '<=', row.at)
          .execute();
      }
      await bumpCatalogVersion(trx);
    });
  };
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      if (options.signal?.aborted) return;
      const item = wanted[next++]!;
      const id = ids.get(item.repository);
      const at = Date.now();
      const head =
        id === undefined
          ? undefined
          : await client.headManifest(item.repository, item.tag).catch(() => undefined);
      if (head && id !== undefined) {
        batch.push({ id, tag: item.tag, digest: head.digest, at });
        resolved++;
        if (batch.length >= 500) await flush();
      }
      done++;
      if (done % 50 === 0 || done === wanted.length)
        options.onProgress?.({ phase: 'digests', total: wanted.length, done, failures: 0 });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, wanted.length)) }, worker));
  await flush();
  return resolved;
}

async function loadKnown(db: Kysely<Database>, registryId: number): Promise<Map<string, KnownRepository>> {
  const repos = await db
    .selectFrom('repositories')
    .select(['id', 'name', 'empty'])
    .where('registry_id', '=', registryId)
    .execute();
  const tags = await db
    .selectFrom('repository_tags as t')
    .innerJoin('repositories as r', 'r.id', 't.repository_id')
    .select(['t.repository_id', 't.tag', 't.digest'])
    .where('r.registry_id', '=', registryId)
    .execute();
  const byId = new Map<number, KnownRepository>();
  const byName = new Map<string, KnownRepository>();
  for (const repo of repos) {
    const entry: KnownRepository = { id: Number(repo.id), empty: repo.empty === 1, tags: new Map() };
    byId.set(entry.id, entry);
    byName.set(repo.name, entry);
  }
  for (const tag of tags) byId.get(Number(tag.repository_id))?.tags.set(tag.tag, tag.digest);
  return byName;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export { lastSync } from './sync-state.ts';
