/**
 * One registry's repositories as the search index holds them: packed into columns
 * (packed-repositories.ts) in name order, with namespace buckets (visibility is decided once
 * per bucket) and a cache of recent queries' matches. A repository row is materialised only for
 * a hit on the page being answered.
 */
import { PackedRepositories } from './packed-repositories.ts';
import { namespaceKey } from './repository-access.ts';
import type { RepositoryRow } from './repository-store.ts';

/**
 * Gathers rows page by page. When they arrive in name order (the store reads them so), they are
 * packed as they come; otherwise (a store whose collation orders names differently) they are
 * sorted by JS string order once at the end, which costs the per-row strings for a moment.
 */
export class RegistrySliceBuilder {
  #packed = new PackedRepositories();
  #last: string | undefined;
  #inOrder = true;

  add(row: RepositoryRow): void {
    if (this.#last !== undefined && !(row.name > this.#last)) this.#inOrder = false;
    this.#last = row.name;
    this.#packed.append(row);
  }

  build(): RegistrySlice {
    const packed = this.#packed.finish();
    this.#packed = new PackedRepositories();
    this.#last = undefined;
    if (this.#inOrder) return new RegistrySlice(packed);
    this.#inOrder = true;
    const names = Array.from({ length: packed.size }, (_, i) => packed.nameAt(i));
    const order = Array.from({ length: packed.size }, (_, i) => i).sort((a, b) =>
      names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0,
    );
    const sorted = new PackedRepositories();
    for (const i of order) sorted.append(packed.repository(i));
    return new RegistrySlice(sorted.finish());
  }
}

export class RegistrySlice {
  readonly size: number;
  /** Bucket number per repository. */
  readonly bucketOf: Int32Array;
  /** One representative repository name per bucket (decisions are made on it). */
  readonly bucketNames: readonly string[];
  readonly #packed: PackedRepositories;
  /** Recent queries' matching positions (most recent last). */
  readonly #matches = new Map<string, Int32Array>();

  /** Rows in any order (tests, small slices); the search index uses the builder page by page. */
  static of(rows: readonly RepositoryRow[]): RegistrySlice {
    const builder = new RegistrySliceBuilder();
    for (const row of rows) builder.add(row);
    return builder.build();
  }

  /** `packed` must be finished and in name order (RegistrySliceBuilder sees to both). */
  constructor(packed: PackedRepositories) {
    this.#packed = packed;
    this.size = packed.size;
    this.bucketOf = new Int32Array(packed.size);
    const buckets = new Map<string, number>();
    const bucketNames: string[] = [];
    for (let i = 0; i < packed.size; i++) {
      const name = packed.nameAt(i);
      const key = namespaceKey(name);
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = bucketNames.length;
        buckets.set(key, bucket);
        bucketNames.push(name);
      }
      this.bucketOf[i] = bucket;
    }
    this.bucketNames = bucketNames;
  }

  nameAt(i: number): string {
    return this.#packed.nameAt(i);
  }

  isEmpty(i: number): boolean {
    return this.#packed.isEmpty(i);
  }

  /** The repository at position `i`, as a row (built on demand). */
  repository(i: number): RepositoryRow {
    return this.#packed.repository(i);
  }

  /** The first position whose name sorts after `name` (binary search over the name order). */
  firstAfter(name: string): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.nameAt(mid) <= name) low = mid + 1;
      else high = mid;
    }
    return low;
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
    const count = this.size;
    let result: Int32Array;
    if (needle === '') {
      result = new Int32Array(count);
      for (let i = 0; i < count; i++) result[i] = i;
    } else if (needle.includes('\u0000')) {
      result = new Int32Array(0);
    } else {
      result = this.#packed.matching(needle);
    }
    this.#matches.set(needle, result);
    if (this.#matches.size > 256) {
      const oldest = this.#matches.keys().next().value;
      if (oldest !== undefined) this.#matches.delete(oldest);
    }
    return result;
  }
}
