/**
 * The repositories Purser knows of a registry (the catalog), filtered by access, unlike the
 * registry's own `/v2/_catalog`: what a caller may pull is visible, what they may push is
 * editable, and a repository a caller may not even pull is reported as not found. Discovery
 * (sync) is for the registry's managers.
 */
import type { Kysely } from 'kysely';
import type { AuditSink } from '../audit/audit-entry.ts';
import { lastPulls } from '../audit/image-usage.ts';
import { principalLabel, requireManager, requireRepository } from '../catalog/caller-access.ts';
import type { CatalogServices } from '../catalog/catalog-services.ts';
import { lastSync, type SyncProgress, type SyncReport, syncRegistry } from '../catalog/discovery.ts';
import { DEFAULT_SYNC_INTERVAL_SECONDS } from '../catalog/discovery-scheduler.ts';
import { imageSizes } from '../catalog/manifest-sizes.ts';
import { requireRegistry } from '../catalog/registry-lookup.ts';
import { type RepositoryProperties, setStar, updateProperties } from '../catalog/repository-properties.ts';
import { bumpCatalogVersion, findRepositoryId, tagsFor, tagsOf } from '../catalog/repository-store.ts';
import { searchRepositories } from '../catalog/search.ts';
import { checkRepositoryName } from '../domain/access.ts';
import { NotFound } from '../domain/errors.ts';
import { principalName, type Registry } from '../domain/model.ts';
import type { Database } from '../store/schema.ts';
import type { Caller } from './caller.ts';

export interface RepositorySearch {
  readonly query: string;
  readonly pageSize?: number | undefined;
  readonly page?: number | undefined;
  readonly includeEmpty?: boolean | undefined;
}

export interface RepositoryServiceDeps {
  readonly db: Kysely<Database>;
  readonly catalog: CatalogServices;
  readonly audit: AuditSink;
  /** Aborted on shutdown: a sync in progress stops. */
  readonly shutdown: AbortSignal;
}

export class RepositoryService {
  constructor(private readonly deps: RepositoryServiceDeps) {}

  /** One page of names in the Distribution catalog format; `next` is the `last` of the next page. */
  async catalogPage(
    caller: Caller,
    service: string,
    n: number,
    last: string,
  ): Promise<{ registry: Registry; repositories: string[]; more: boolean }> {
    const registry = this.#registry(service);
    const { searchIndex } = this.deps.catalog;
    const slice = await searchIndex.slice(registry.id);
    const visible = searchIndex.visibility(
      this.deps.catalog.model(),
      caller.principal,
      registry,
      slice,
      caller.sourceAddress,
    );
    const names: string[] = [];
    let more = false;
    // Names are sorted: start after `last` by binary search rather than reading every name.
    for (let i = last === '' ? 0 : slice.firstAfter(last); i < slice.size; i++) {
      if (!visible.at(i)) continue;
      const name = slice.nameAt(i);
      if (names.length === n) {
        more = true;
        break;
      }
      names.push(name);
    }
    return { registry, repositories: names, more };
  }

  /** The repositories of a registry the caller may pull, matching the query, with their tags. */
  async search(caller: Caller, service: string, search: RepositorySearch) {
    const registry = this.#registry(service);
    const outcome = await searchRepositories(
      this.deps.catalog.searchIndex,
      this.deps.catalog.model(),
      [registry],
      {
        query: search.query,
        pageSize: search.pageSize,
        page: search.page,
        principal: caller.principal,
        sourceAddress: caller.sourceAddress,
        includeEmpty: search.includeEmpty ?? false,
      },
    );
    const tags = await tagsFor(
      this.deps.db,
      outcome.hits.map((h) => h.repository.id),
    );
    return {
      num_results: outcome.numResults,
      page: outcome.page,
      num_pages: outcome.numPages,
      page_size: outcome.pageSize,
      repositories: outcome.hits.map(({ repository: r }) => ({
        name: r.name,
        description: r.description,
        star_count: r.starCount,
        is_official: r.official,
        is_automated: r.automated,
        empty: r.empty,
        tags: tags.get(r.id) ?? [],
        last_push: r.lastPushAt === null ? null : new Date(r.lastPushAt).toISOString(),
      })),
    };
  }

  /** One repository with its tags and digests (pull). */
  async show(caller: Caller, service: string, name: string) {
    const registry = this.#registry(service);
    this.#require(caller, registry, name, 'pull');
    const row = await this.deps.db
      .selectFrom('repositories')
      .selectAll()
      .where('registry_id', '=', registry.id)
      .where('name', '=', name)
      .executeTakeFirst();
    if (!row) throw new NotFound(`repository ${name} not found on ${registry.service}`);
    const tags = await tagsOf(this.deps.db, Number(row.id));
    const pulled = await lastPulls(this.deps.db, registry.service, name);
    const sizes = await this.#sizes(
      registry,
      name,
      [...tags.values()].map((t) => t.digest),
    );
    return {
      name: row.name,
      description: row.description,
      star_count: Number(row.star_count),
      is_official: row.official === 1,
      is_automated: row.automated === 1,
      empty: row.empty === 1,
      last_push: row.last_push_at === null ? null : new Date(Number(row.last_push_at)).toISOString(),
      tags: [...tags]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([tag, t]) => {
          const last = t.digest ? pulled.get(t.digest) : undefined;
          return {
            tag,
            digest: t.digest,
            /** Config + layers in bytes; null when not known (yet) or an image index. */
            size: (t.digest ? sizes.get(t.digest) : undefined) ?? null,
            updated: new Date(t.updatedAt).toISOString(),
            last_pulled: last === undefined ? null : new Date(last).toISOString(),
          };
        }),
    };
  }

  /** The search properties of a repository (push); audited. */
  async updateProperties(caller: Caller, service: string, name: string, props: RepositoryProperties) {
    const registry = this.#registry(service);
    this.#require(caller, registry, name, 'push');
    const id = await this.#id(registry, name);
    await this.deps.db.transaction().execute(async (trx) => {
      await updateProperties(trx, id, props);
      await bumpCatalogVersion(trx);
    });
    this.deps.catalog.searchIndex.invalidate();
    void this.deps.audit.record({
      action: 'repository.update',
      actor: principalName(caller.principal) || 'anonymous',
      actorKind: caller.principal.kind,
      target: `repository:${name}`,
      outcome: 'success',
      service: registry.service,
      ...(caller.sourceAddress ? { sourceAddress: caller.sourceAddress } : {}),
      details: { ...props },
    });
    return { name, ...props };
  }

  /** Stars or unstars a repository the caller may pull (anonymous callers cannot). */
  async star(caller: Caller, service: string, name: string, starred: boolean) {
    const registry = this.#registry(service);
    checkRepositoryName(name);
    if (caller.principal.kind === 'anonymous')
      throw new NotFound(`repository ${name} not found on ${registry.service}`);
    this.#require(caller, registry, name, 'pull');
    const id = await this.#id(registry, name);
    const count = await this.deps.db.transaction().execute(async (trx) => {
      const n = await setStar(trx, id, principalLabel(caller.principal), starred);
      await bumpCatalogVersion(trx);
      return n;
    });
    this.deps.catalog.searchIndex.invalidate();
    return { name, starred, star_count: count };
  }

  /**
   * Checks that the caller manages the registry, then gives the discovery run to start (so a
   * surface can refuse before it starts streaming progress).
   */
  async authorizeSync(
    caller: Caller,
    service: string,
  ): Promise<
    (options: { deep: boolean; onProgress?: (progress: SyncProgress) => void }) => Promise<SyncReport>
  > {
    const registry = await requireRegistry(this.deps.db, service);
    requireManager(this.deps.catalog.model(), caller.principal, registry);
    return async (options) => {
      const report = await syncRegistry(this.deps.db, registry, this.deps.catalog.tokens(registry.service), {
        deep: options.deep,
        signal: this.deps.shutdown,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      this.deps.catalog.searchIndex.invalidate();
      return report;
    };
  }

  /** The last discovery run of a registry (managers). */
  async lastSync(caller: Caller, service: string) {
    const registry = await requireRegistry(this.deps.db, service);
    requireManager(this.deps.catalog.model(), caller.principal, registry);
    const last = await lastSync(this.deps.db, registry.id);
    return {
      service: registry.service,
      state: last?.state ?? 'never',
      started_at: last?.startedAt ? new Date(last.startedAt).toISOString() : null,
      finished_at: last?.finishedAt ? new Date(last.finishedAt).toISOString() : null,
      repositories: last?.repositories ?? 0,
      failures: last?.failures ?? 0,
      last_error: last?.lastError ?? null,
      interval_seconds: registry.syncInterval ?? DEFAULT_SYNC_INTERVAL_SECONDS,
    };
  }

  /** Image sizes by digest; a registry that does not answer leaves them unknown, quickly. */
  #sizes(registry: Registry, name: string, digests: readonly (string | null)[]) {
    const known = digests.filter((d): d is string => d !== null);
    return imageSizes(this.deps.db, registry, this.deps.catalog.tokens(registry.service), name, known);
  }

  #registry(service: string): Registry {
    const registry = this.deps.catalog.model().registryByService(service);
    if (!registry) throw new NotFound(`no registry with service "${service}"`);
    return registry;
  }

  #require(caller: Caller, registry: Registry, name: string, action: 'pull' | 'push'): void {
    checkRepositoryName(name);
    requireRepository(
      this.deps.catalog.model(),
      caller.principal,
      registry,
      name,
      action,
      caller.sourceAddress,
    );
  }

  async #id(registry: Registry, name: string): Promise<number> {
    const id = await findRepositoryId(this.deps.db, registry.id, name);
    if (id === undefined) throw new NotFound(`repository ${name} not found on ${registry.service}`);
    return id;
  }
}
