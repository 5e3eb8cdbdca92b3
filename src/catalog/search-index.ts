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
import { decidesPerName, mayPull, namespaceKey, principalKey, rulesUseSources } from './repository-access.ts';
import { loadRepositories, type RepositoryRow, readCatalogVersion } from './repository-store.ts';

/** A repository as the index holds it: the row itself (lower-cased text lives in the haystack). */
export type IndexedRepository = RepositoryRow;

/** One registry's repositories, sorted by name, with namespace buckets. */
export class RegistrySlice {
  readonly repositories: readonly IndexedRepository[];
  /** 1 where the repository has no tags (same order). */
  readonly emptyFlags: Uint8Array;
  /** Bucket number per repository (same order). */
  readonly bucketOf: Int32Array;
  /** One representative repository name per bucket (decisions are made on it). */
  readonly bucketNames: readonly string[];
  /**
   * Every `name\ndescription`, lower-cased, joined by NUL into one string: one native
   * indexOf scan finds all matches far faster than a substring test per entry.
   */
  readonly #haystack: string;
  /** Start offset of each repository's text in #haystack (ascending). */
  readonly #starts: Int32Array;
  /** Recent queries' matching positions (most recent last). */
  readonly #matches = new Map<string, Int32Array>();

  constructor(input: readonly RepositoryRow[]) {
    // Sorted in JS (not by the store's collation, which differs between dialects); the rows are
    // kept as they are, without per-row copies, to hold the index's memory down.
    this.repositories = [...input].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const rows = this.repositories;
    this.emptyFlags = Uint8Array.from(rows, (r) => (r.empty ? 1 : 0));
    this.bucketOf = new Int32Array(rows.length);
    const buckets = new Map<string, number>();
    const names: string[] = [];
    rows.forEach((row, i) => {
      const key = namespaceKey(row.name);
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = names.length;
        buckets.set(key, bucket);
        names.push(row.name);
      }
      this.bucketOf[i] = bucket;
    });
    this.bucketNames = names;
    this.#starts = new Int32Array(rows.length);
    const parts: string[] = [];
    let offset = 0;
    rows.forEach((r, i) => {
      const text = `${r.name.toLowerCase()}\n${r.description.toLowerCase().replaceAll('\u0000', '')}`;
      this.#starts[i] = offset;
      parts.push(text);
      offset += text.length + 1;
    });
    this.#haystack = parts.join('\u0000');
  }

  /**
   * Positions of the repositories whose name or description contains `needle` (lower case),
   * cached for the most recent queries: popular searches cost one pass, then none.
   */
  matching(needle: string): Int32Array {
    const cached = this.#matches.get(needle);
    if (cached) {
      this.#matches.delete(needle);
      this.#matches.set(needle, cached);
      return cached;
    }
    const count = this.repositories.length;
    let result: Int32Array;
    if (needle === '') {
      result = new Int32Array(count);
      for (let i = 0; i < count; i++) result[i] = i;
    } else if (needle.includes('\u0000')) {
      result = new Int32Array(0);
    } else {
      const found: number[] = [];
      const hay = this.#haystack;
      const starts = this.#starts;
      let entry = 0;
      let at = hay.indexOf(needle);
      while (at >= 0) {
        // advance to the entry containing `at` (entries and hits both ascend)
        while (entry + 1 < count && starts[entry + 1]! <= at) entry++;
        found.push(entry);
        if (entry + 1 >= count) break;
        at = hay.indexOf(needle, starts[entry + 1]!);
      }
      result = Int32Array.from(found);
    }
    this.#matches.set(needle, result);
    if (this.#matches.size > 256) {
      const oldest = this.#matches.keys().next().value;
      if (oldest !== undefined) this.#matches.delete(oldest);
    }
    return result;
  }
}

export interface SearchIndexOptions {
  /** How often the store's catalog version is checked. Default 1000 ms. */
  checkEveryMs?: number;
  /** Principals whose visibility is cached. Default 512. */
  cacheSize?: number;
}

export class SearchIndex {
  readonly #db: Kysely<Database>;
  readonly #checkEveryMs: number;
  readonly #cacheSize: number;
  #slices = new Map<number, RegistrySlice>();
  #version = -1;
  #checkedAt = 0;
  #dirty = true;
  #loading: Promise<void> | undefined;
  /** Bumped on every reload; part of visibility cache keys. */
  #generation = 0;
  readonly #visible = new Map<string, { generation: number; model: AccessModel; mask: Uint8Array }>();
  readonly #combined = new WeakMap<
    Uint8Array,
    WeakMap<Int32Array, [Int32Array | undefined, Int32Array | undefined]>
  >();

  constructor(db: Kysely<Database>, options: SearchIndexOptions = {}) {
    this.#db = db;
    this.#checkEveryMs = options.checkEveryMs ?? 1000;
    this.#cacheSize = options.cacheSize ?? 512;
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
    visible: Uint8Array,
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
    const empty = slice.emptyFlags;
    const skipEmpty = includeEmpty ? 0 : 1;
    const out = new Int32Array(matching.length);
    let n = 0;
    for (let m = 0; m < matching.length; m++) {
      const i = matching[m]!;
      if (visible[i] === 0 || (empty[i]! & skipEmpty) === 1) continue;
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
   * Which repositories of the slice the principal may pull: a mask in slice order (1 = visible).
   * Decides once per namespace bucket unless the principal or the rules need per-name decisions.
   */
  visibility(
    model: AccessModel,
    principal: Principal,
    registry: Registry,
    slice: RegistrySlice,
    sourceAddress?: string,
  ): Uint8Array {
    const key = `${principalKey(principal)}|${registry.id}|${rulesUseSources(model) ? (sourceAddress ?? '') : ''}`;
    const cached = this.#visible.get(key);
    if (
      cached &&
      cached.generation === this.#generation &&
      cached.model === model &&
      cached.mask.length === slice.repositories.length
    ) {
      // refresh LRU position
      this.#visible.delete(key);
      this.#visible.set(key, cached);
      return cached.mask;
    }
    const mask = new Uint8Array(slice.repositories.length);
    if (decidesPerName(model, principal)) {
      slice.repositories.forEach((repo, i) => {
        mask[i] = mayPull(model, principal, registry, repo.name, sourceAddress) ? 1 : 0;
      });
    } else {
      const decisions = slice.bucketNames.map((name) =>
        mayPull(model, principal, registry, name, sourceAddress) ? 1 : 0,
      );
      for (let i = 0; i < mask.length; i++) mask[i] = decisions[slice.bucketOf[i]!]!;
    }
    this.#visible.set(key, { generation: this.#generation, model, mask });
    if (this.#visible.size > this.#cacheSize) {
      const oldest = this.#visible.keys().next().value;
      if (oldest !== undefined) this.#visible.delete(oldest);
    }
    return mask;
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
        const rows = await loadRepositories(this.#db);
        const byRegistry = new Map<number, RepositoryRow[]>();
        for (const row of rows) {
          const list = byRegistry.get(row.registryId) ?? [];
          list.push(row);
          byRegistry.set(row.registryId, list);
        }
        this.#slices = new Map([...byRegistry].map(([id, list]) => [id, new RegistrySlice(list)]));
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

const EMPTY = new RegistrySlice([]);
