/**
 * Repositories packed into columns as they arrive: numbers and flags in typed arrays that grow
 * by doubling, text in two long strings built a page at a time — the lower-cased
 * `name\ndescription\0` of every repository (the haystack search scans) and the descriptions as
 * stored. Names are read back from the haystack (distribution's grammar makes them lower case;
 * the rare stored name that is not is kept aside). So a load of a million repositories never
 * holds a million row objects or per-row strings at once.
 */
import type { RepositoryRow } from './repository-store.ts';

const OFFICIAL = 1;
const AUTOMATED = 2;
const EMPTY = 4;
/** Rows whose text is joined into one part at a time. */
const PART_ROWS = 4_096;

export class PackedRepositories {
  size = 0;
  #ids = new Float64Array(1024);
  #registryIds = new Float64Array(1024);
  #stars = new Int32Array(1024);
  #tagCounts = new Int32Array(1024);
  /** Milliseconds, NaN for never. */
  #lastPush = new Float64Array(1024);
  #flags = new Uint8Array(1024);
  /** Start of each repository's text in the haystack; one more entry than rows. */
  #starts = new Int32Array(1025);
  #nameLengths = new Int32Array(1024);
  #descriptionStarts = new Int32Array(1025);
  readonly #otherNames = new Map<number, string>();
  #haystack = '';
  #descriptions = '';
  #textParts: string[] = [];
  #descriptionParts: string[] = [];
  #pendingText: string[] = [];
  #pendingDescriptions: string[] = [];
  #offset = 0;
  #descriptionOffset = 0;
  #finished = false;

  append(row: RepositoryRow): void {
    if (this.#finished) throw new Error('packed repositories are finished');
    const i = this.size;
    if (i === this.#ids.length) this.#grow();
    this.#ids[i] = row.id;
    this.#registryIds[i] = row.registryId;
    this.#stars[i] = row.starCount;
    this.#tagCounts[i] = row.tagCount;
    this.#lastPush[i] = row.lastPushAt ?? Number.NaN;
    this.#flags[i] =
      (row.official ? OFFICIAL : 0) | (row.automated ? AUTOMATED : 0) | (row.empty ? EMPTY : 0);
    const lower = row.name.toLowerCase();
    if (lower !== row.name) this.#otherNames.set(i, row.name);
    const entry = `${lower}\n${row.description.toLowerCase().replaceAll('\u0000', '')}\u0000`;
    this.#starts[i] = this.#offset;
    this.#nameLengths[i] = lower.length;
    this.#offset += entry.length;
    this.#descriptionStarts[i] = this.#descriptionOffset;
    this.#descriptionOffset += row.description.length;
    this.#pendingText.push(entry);
    this.#pendingDescriptions.push(row.description);
    if (this.#pendingText.length === PART_ROWS) this.#flushPart();
    this.size = i + 1;
  }

  /** Joins the text and trims the arrays; no more rows after this. */
  finish(): this {
    if (this.#finished) return this;
    this.#flushPart();
    this.#haystack = this.#textParts.join('');
    this.#descriptions = this.#descriptionParts.join('');
    this.#textParts = [];
    this.#descriptionParts = [];
    const n = this.size;
    this.#starts[n] = this.#offset;
    this.#descriptionStarts[n] = this.#descriptionOffset;
    this.#ids = this.#ids.slice(0, n);
    this.#registryIds = this.#registryIds.slice(0, n);
    this.#stars = this.#stars.slice(0, n);
    this.#tagCounts = this.#tagCounts.slice(0, n);
    this.#lastPush = this.#lastPush.slice(0, n);
    this.#flags = this.#flags.slice(0, n);
    this.#starts = this.#starts.slice(0, n + 1);
    this.#nameLengths = this.#nameLengths.slice(0, n);
    this.#descriptionStarts = this.#descriptionStarts.slice(0, n + 1);
    this.#finished = true;
    return this;
  }

  get haystack(): string {
    return this.#haystack;
  }

  /** Start offsets of each repository's text in the haystack (ascending), plus the end. */
  get starts(): Int32Array {
    return this.#starts;
  }

  nameAt(i: number): string {
    const start = this.#starts[i]!;
    return this.#otherNames.get(i) ?? this.#haystack.slice(start, start + this.#nameLengths[i]!);
  }

  isEmpty(i: number): boolean {
    return (this.#flags[i]! & EMPTY) !== 0;
  }

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

  #flushPart(): void {
    if (this.#pendingText.length === 0) return;
    this.#textParts.push(this.#pendingText.join(''));
    this.#descriptionParts.push(this.#pendingDescriptions.join(''));
    this.#pendingText = [];
    this.#pendingDescriptions = [];
  }

  #grow(): void {
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T, extra = 0): T => {
      const next = new (a.constructor as new (n: number) => T)(a.length * 2 + extra);
      next.set(a);
      return next;
    };
    this.#ids = grow(this.#ids);
    this.#registryIds = grow(this.#registryIds);
    this.#stars = grow(this.#stars);
    this.#tagCounts = grow(this.#tagCounts);
    this.#lastPush = grow(this.#lastPush);
    this.#flags = grow(this.#flags);
    this.#nameLengths = grow(this.#nameLengths);
    this.#starts = grow(this.#starts, -1);
    this.#descriptionStarts = grow(this.#descriptionStarts, -1);
  }
}
