/**
 * One registry's repositories as the search index holds them: packed into columns rather than
 * one object per repository, so a million repositories fit in about a hundred megabytes.
 *
 * - Text lives in two long strings: the lower-cased `name\ndescription` of every repository,
 *   joined by NUL (the haystack that one native indexOf scans), and the descriptions as stored.
 *   Names are read back from the haystack (distribution's grammar makes them lower case; the
 *   rare stored name that is not is kept aside).
 * - Numbers and flags live in typed arrays, in name order.
 * - Repositories sharing a namespace share a bucket: visibility is decided once per bucket.
 * A repository row is materialised only for a hit on the page being answered.
 */
import { namespaceKey } from './repository-access.ts';
import type { RepositoryRow } from './repository-store.ts';

const OFFICIAL = 1;
const AUTOMATED = 2;
const EMPTY = 4;

/** Columns as gathered, in arrival order. */
interface GatheredColumns {
  readonly names: string[];
  readonly descriptions: string[];
  readonly ids: number[];
  readonly registryIds: number[];
  readonly stars: number[];
  readonly tagCounts: number[];
  readonly lastPush: number[];
  readonly flags: number[];
}

/**
 * Gathers rows page by page (in any order) straight into columns, so a load never holds a
 * million row objects at once, and packs them sorted by name.
 */
export class RegistrySliceBuilder {
  #columns: GatheredColumns = emptyColumns();

  add(row: RepositoryRow): void {
    const c = this.#columns;
    c.names.push(row.name);
    c.descriptions.push(row.description);
    c.ids.push(row.id);
    c.registryIds.push(row.registryId);
    c.stars.push(row.starCount);
    c.tagCounts.push(row.tagCount);
    c.lastPush.push(row.lastPushAt ?? Number.NaN);
    c.flags.push((row.official ? OFFICIAL : 0) | (row.automated ? AUTOMATED : 0) | (row.empty ? EMPTY : 0));
  }

  build(): RegistrySlice {
    const columns = this.#columns;
    this.#columns = emptyColumns();
    // Sorted in JS (not by the store's collation, which differs between dialects).
    const names = columns.names;
    const order = Array.from({ length: names.length }, (_, i) => i).sort((a, b) =>
      names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0,
    );
    return new RegistrySlice(columns, order);
  }
}

function emptyColumns(): GatheredColumns {
  return {
    names: [],
    descriptions: [],
    ids: [],
    registryIds: [],
    stars: [],
    tagCounts: [],
    lastPush: [],
    flags: [],
  };
}

/** Parts joined a chunk at a time, so the temporary strings of a big load stay few. */
const JOIN_CHUNK = 8_192;

export class RegistrySlice {
  readonly size: number;
  readonly #ids: Float64Array;
  readonly #registryIds: Float64Array;
  readonly #stars: Int32Array;
  readonly #tagCounts: Int32Array;
  /** Milliseconds, NaN for never. */
  readonly #lastPush: Float64Array;
  readonly #flags: Uint8Array;
  /** Bucket number per repository. */
  readonly bucketOf: Int32Array;
  /** One representative repository name per bucket (decisions are made on it). */
  readonly bucketNames: readonly string[];
  readonly #haystack: string;
  /** Start of each repository's text in the haystack (ascending), and its name's length. */
  readonly #starts: Int32Array;
  readonly #nameLengths: Int32Array;
  readonly #descriptions: string;
  readonly #descriptionStarts: Int32Array;
  /** Names that are not lower case (position → name). */
  readonly #otherNames = new Map<number, string>();
  /** Recent queries' matching positions (most recent last). */
  readonly #matches = new Map<string, Int32Array>();

  /** Rows in any order (tests, small slices); the search index uses the builder page by page. */
  static of(rows: readonly RepositoryRow[]): RegistrySlice {
    const builder = new RegistrySliceBuilder();
    for (const row of rows) builder.add(row);
    return builder.build();
  }

  /** `order`: positions of `columns` in name order (RegistrySliceBuilder computes it). */
  constructor(columns: GatheredColumns, order: readonly number[]) {
    const n = order.length;
    this.size = n;
    this.#ids = new Float64Array(n);
    this.#registryIds = new Float64Array(n);
    this.#stars = new Int32Array(n);
    this.#tagCounts = new Int32Array(n);
    this.#lastPush = new Float64Array(n);
    this.#flags = new Uint8Array(n);
    this.bucketOf = new Int32Array(n);
    this.#starts = new Int32Array(n + 1);
    this.#nameLengths = new Int32Array(n);
    this.#descriptionStarts = new Int32Array(n + 1);
    const buckets = new Map<string, number>();
    const bucketNames: string[] = [];
    const text: string[] = [];
    const descriptions: string[] = [];
    let textPart: string[] = [];
    let descriptionPart: string[] = [];
    let offset = 0;
    let descriptionOffset = 0;
    for (let i = 0; i < n; i++) {
      const from = order[i]!;
      const name = columns.names[from]!;
      const description = columns.descriptions[from]!;
      this.#ids[i] = columns.ids[from]!;
      this.#registryIds[i] = columns.registryIds[from]!;
      this.#stars[i] = columns.stars[from]!;
      this.#tagCounts[i] = columns.tagCounts[from]!;
      this.#lastPush[i] = columns.lastPush[from]!;
      this.#flags[i] = columns.flags[from]!;
      const key = namespaceKey(name);
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = bucketNames.length;
        buckets.set(key, bucket);
        bucketNames.push(name);
      }
      this.bucketOf[i] = bucket;
      const lower = name.toLowerCase();
      if (lower !== name) this.#otherNames.set(i, name);
      const entry = `${lower}\n${description.toLowerCase().replaceAll('\u0000', '')}\u0000`;
      this.#starts[i] = offset;
      this.#nameLengths[i] = lower.length;
      textPart.push(entry);
      offset += entry.length;
      this.#descriptionStarts[i] = descriptionOffset;
      descriptionPart.push(description);
      descriptionOffset += description.length;
      if (textPart.length === JOIN_CHUNK) {
        text.push(textPart.join(''));
        descriptions.push(descriptionPart.join(''));
        textPart = [];
        descriptionPart = [];
      }
    }
    text.push(textPart.join(''));
    descriptions.push(descriptionPart.join(''));
    this.#starts[n] = offset;
    this.#descriptionStarts[n] = descriptionOffset;
    this.bucketNames = bucketNames;
    this.#haystack = text.join('');
    this.#descriptions = descriptions.join('');
  }

  nameAt(i: number): string {
    const start = this.#starts[i]!;
    return this.#otherNames.get(i) ?? this.#haystack.slice(start, start + this.#nameLengths[i]!);
  }

  isEmpty(i: number): boolean {
    return (this.#flags[i]! & EMPTY) !== 0;
  }

  /** The repository at position `i`, as a row (built on demand). */
  repository(i: number): RepositoryRow {
    const flags = this.#flags[i]!;
    const lastPush = this.#lastPush[i]!;
    return {
      id: this.#ids[i]!,
      registryId: this.#registryIds[i]!,
      name: this.nameAt(i),
      description: this.#descriptions.slice(this.#descriptionStarts[i]!, this.#descriptionStarts[i + 1]!),
      starCount: this.#stars[i]!,
      official: (flags & OFFICIAL) !== 0,
      automated: (flags & AUTOMATED) !== 0,
      empty: (flags & EMPTY) !== 0,
      lastPushAt: Number.isNaN(lastPush) ? null : lastPush,
      tagCount: this.#tagCounts[i]!,
    };
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
