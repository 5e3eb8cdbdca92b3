/**
 * The in-memory repository index that search and the filtered catalog read. Loaded from the
 * store and reloaded when `catalog_version` moves (checked at most once per `checkEveryMs`),
 * so a search never touches the database on its hot path. Visibility (which repositories a
 * principal may pull) is computed once per distinct namespace and cached per principal until
 * the index or the access model changes.
 */
import type { Kysely } from 'kysely';
import type { Principal, Registry } from '../domain/model.ts';
import type { AccessModel } from '../policy/access-model.ts';
import type { Database } from '../store/schema.ts';
import { RegistrySlice, RegistrySliceBuilder } from './registry-slice.ts';
import { decidesPerName, mayPull, principalKey, rulesUseSources } from './repository-access.ts';
import { type RepositoryRow, readCatalogVersion, scanRepositories } from './repository-store.ts';

/** A repository as the index hands it out (built on demand from the packed slice). */
export type IndexedRepository = RepositoryRow;

export { RegistrySlice } from './registry-slice.ts';

/**
 * Which repositories of a slice a principal may pull. Usually decided per namespace bucket (a
 * byte per bucket); a principal whose decisions depend on the full name (robots, rules with a
 * repository glob) gets a byte per repository.
 */
export class Visibility {
  constructor(
    private readonly bucketOf: Int32Array,
    /** Per bucket when `perName` is false, per repository otherwise (1 = may pull). */
    readonly decisions: Uint8Array,
    readonly perName: boolean,
  ) {}

  at(i: number): boolean {
    return (this.perName ? this.decisions[i] : this.decisions[this.bucketOf[i]!]) === 1;
  }
}

export interface SearchIndexOptions {
  /** How often the store's catalog version is checked. Default 1000 ms. */
  checkEveryMs?: number;
  /** Principals whose visibility is cached. Default 512. */
  cacheSize?: number;
  /** Bytes of cached visibility at most (per-name decisions take a byte per repository). Default 64 MiB. */
  cacheBytes?: number;
}

export class SearchIndex {
  readonly #db: Kysely<Database>;
  readonly #checkEveryMs: number;
  readonly #cacheSize: number;
  readonly #cacheBytes: number;
  #cachedBytes = 0;
  #slices = new Map<number, RegistrySlice>();
  #version = -1;
  #checkedAt = 0;
  #dirty = true;
  #loading: Promise<void> | undefined;
  /** Bumped on every reload; part of visibility cache keys. */
  #generation = 0;
  readonly #visible = new Map<string, { generation: number; model: AccessModel; visibility: Visibility }>();
  readonly #combined = new WeakMap<
    Visibility,
    WeakMap<Int32Array, [Int32Array | undefined, Int32Array | undefined]>
  >();

  constructor(db: Kysely<Database>, options: SearchIndexOptions = {}) {
    this.#db = db;
    this.#checkEveryMs = options.checkEveryMs ?? 1000;
    this.#cacheSize = options.cacheSize ?? 512;
    this.#cacheBytes = options.cacheBytes ?? 64 * 1024 * 1024;
  }

  /** Loads the index (or catches up with the store) now; searches meanwhile wait for it. */
  async load(): Promise<void> {
    await this.#fresh();
  }

  /** Marks the index stale (this process just wrote to the catalog). */
  invalidate(): void {
    this.#dirty = true;
  }

  /** The registry's slice, reloading the index first when it is stale. */
  async slice(registryId: number): Promise<RegistrySlice> {
    if (this.#dirty || this.#version < 0) {
      // This process changed the catalog (or nothing is loaded yet): wait for the reload.
      await this.#fresh();
    } else if (Date.now() - this.#checkedAt >= this.#checkEveryMs) {
      // Other writers (replicas, the CLI): check in the background, serve what we have.
      this.#fresh().catch(() => {});
    }
    return this.#slices.get(registryId) ?? EMPTY;
  }

  /**
   * The visible (and, unless `includeEmpty`, non-empty) positions among `matching`, cached per
   * (visibility mask, match list) pair, so a repeated search costs only its page.
   */
  visibleMatches(
    slice: RegistrySlice,
    visible: Visibility,
    matching: Int32Array,
    includeEmpty: boolean,
  ): Int32Array {
    let byMatching = this.#combined.get(visible);
    if (!byMatching) {
      byMatching = new WeakMap();
      this.#combined.set(visible, byMatching);
    }
    const key = includeEmpty ? 1 : 0;
    let entry = byMatching.get(matching);
    const cached = entry?.[key];
    if (cached) return cached;
    const out = new Int32Array(matching.length);
    let n = 0;
    for (let m = 0; m < matching.length; m++) {
      const i = matching[m]!;
      if (!visible.at(i) || (!includeEmpty && slice.isEmpty(i))) continue;
      out[n++] = i;
    }
    const result = out.slice(0, n);
    if (!entry) {
      entry = [undefined, undefined];
      byMatching.set(matching, entry);
    }
    entry[key] = result;
    return result;
  }

  /**
   * Which repositories of the slice the principal may pull. Decides once per namespace bucket
   * unless the principal or the rules need per-name decisions. Cached per principal until the
   * index or the access model changes, within a count and a byte budget.
   */
  visibility(
    model: AccessModel,
    principal: Principal,
    registry: Registry,
    slice: RegistrySlice,
    sourceAddress?: string,
  ): Visibility {
    const key = `${principalKey(principal)}|${registry.id}|${rulesUseSources(model) ? (sourceAddress ?? '') : ''}`;
    const cached = this.#visible.get(key);
    if (
      cached &&
      cached.generation === this.#generation &&
      cached.model === model &&
      cached.visibility.perName === decidesPerName(model, principal)
    ) {
      // refresh LRU position
      this.#visible.delete(key);
      this.#visible.set(key, cached);
      return cached.visibility;
    }
    if (cached) this.#forget(key, cached.visibility);
    let visibility: Visibility;
    if (decidesPerName(model, principal)) {
      const mask = new Uint8Array(slice.size);
      for (let i = 0; i < slice.size; i++)
        mask[i] = mayPull(model, principal, registry, slice.nameAt(i), sourceAddress) ? 1 : 0;
      visibility = new Visibility(slice.bucketOf, mask, true);
    } else {
      const decisions = Uint8Array.from(slice.bucketNames, (name) =>
        mayPull(model, principal, registry, name, sourceAddress) ? 1 : 0,
      );
      visibility = new Visibility(slice.bucketOf, decisions, false);
    }
    this.#visible.set(key, { generation: this.#generation, model, visibility });
    this.#cachedBytes += visibility.decisions.byteLength;
    while (
      this.#visible.size > this.#cacheSize ||
      (this.#cachedBytes > this.#cacheBytes && this.#visible.size > 1)
    ) {
      const [oldestKey, oldest] = this.#visible.entries().next().value!;
      this.#forget(oldestKey, oldest.visibility);
    }
    return visibility;
  }

  #forget(key: string, visibility: Visibility): void {
    this.#visible.delete(key);
    this.#cachedBytes -= visibility.decisions.byteLength;
  }

  async #fresh(): Promise<void> {
    const now = Date.now();
    if (!this.#dirty && now - this.#checkedAt < this.#checkEveryMs) return;
    if (this.#loading) return this.#loading;
    this.#loading = (async () => {
      try {
        const version = await readCatalogVersion(this.#db);
        if (version === this.#version && !this.#dirty) {
          this.#checkedAt = Date.now();
          return;
        }
        this.#dirty = false;
        const byRegistry = new Map<number, RegistrySliceBuilder>();
        await scanRepositories(this.#db, (row) => {
          let builder = byRegistry.get(row.registryId);
          if (!builder) {
            builder = new RegistrySliceBuilder();
            byRegistry.set(row.registryId, builder);
          }
          builder.add(row);
        });
        this.#slices = new Map([...byRegistry].map(([id, builder]) => [id, builder.build()]));
        this.#version = version;
        this.#generation++;
        this.#checkedAt = Date.now();
      } finally {
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }
}

const EMPTY = RegistrySlice.of([]);
