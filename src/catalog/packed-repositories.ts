/**
 * Repositories packed into columns as they arrive: numbers and flags in typed arrays that grow
 * by doubling, text in parts of PART_ROWS rows — the lower-cased `name\ndescription\0` of every
 * repository (the text search scans), and apart only the descriptions that lower-casing
 * changed. Names and lower-case descriptions are read back from the searched text
 * (distribution's grammar makes names lower case; the rare stored name that is not is kept
 * aside). The parts are never joined: a load of a million repositories holds no per-row objects
 * or strings, and never a second copy of the text while it joins. A registry's slice shares one
 * registry id, and ids that fit 32 bits take 4 bytes.
 */
import type { RepositoryRow } from './repository-store.ts';

const OFFICIAL = 1;
const AUTOMATED = 2;
const EMPTY = 4;
/** The description is the lower-cased one in the searched text (nothing kept apart). */
const DESCRIPTION_SEARCHED = 8;
/** Rows whose text is joined into one part (a power of two: the part of row i is i >> PART_SHIFT). */
const PART_SHIFT = 12;
const PART_ROWS = 1 << PART_SHIFT;
const INITIAL = 1024;

export class PackedRepositories {
  size = 0;
  #ids: Int32Array | Float64Array = new Int32Array(INITIAL);
  /** The registry of every row, until a row of another registry comes (then `#registryIds`). */
  #registryId: number | undefined;
  #registryIds: Float64Array | undefined;
  #stars = new Int32Array(INITIAL);
  #tagCounts = new Int32Array(INITIAL);
  /** Milliseconds, NaN for never. */
  #lastPush = new Float64Array(INITIAL);
  #flags = new Uint8Array(INITIAL);
  /** Start of each repository's text in the whole searched text; one more entry than rows. */
  #starts = new Int32Array(INITIAL + 1);
  #nameLengths = new Int32Array(INITIAL);
  /** Start of each row's description kept apart (empty for DESCRIPTION_SEARCHED rows). */
  #descriptionStarts = new Int32Array(INITIAL + 1);
  readonly #otherNames = new Map<number, string>();
  /** Part p holds rows p * PART_ROWS …; it starts at `#partStarts[p]` of the whole text. */
  readonly #textParts: string[] = [];
  readonly #partStarts: number[] = [];
  readonly #descriptionParts: string[] = [];
  readonly #descriptionPartStarts: number[] = [];
  #pendingText: string[] = [];
  #pendingDescriptions: string[] = [];
  #offset = 0;
  #descriptionOffset = 0;
  #finished = false;

  append(row: RepositoryRow): void {
    if (this.#finished) throw new Error('packed repositories are finished');
    const i = this.size;
    if (i === this.#flags.length) this.#grow();
    this.#setId(i, row.id);
    this.#setRegistry(i, row.registryId);
    this.#stars[i] = row.starCount;
    this.#tagCounts[i] = row.tagCount;
    this.#lastPush[i] = row.lastPushAt ?? Number.NaN;
    const lower = row.name.toLowerCase();
    if (lower !== row.name) this.#otherNames.set(i, row.name);
    const description = row.description.toLowerCase().replaceAll('\u0000', '');
    const searched = description === row.description;
    this.#flags[i] =
      (row.official ? OFFICIAL : 0) |
      (row.automated ? AUTOMATED : 0) |
      (row.empty ? EMPTY : 0) |
      (searched ? DESCRIPTION_SEARCHED : 0);
    const entry = `${lower}\n${description}\u0000`;
    if ((i & (PART_ROWS - 1)) === 0) {
      this.#partStarts.push(this.#offset);
      this.#descriptionPartStarts.push(this.#descriptionOffset);
    }
    this.#starts[i] = this.#offset;
    this.#nameLengths[i] = lower.length;
    this.#offset += entry.length;
    this.#descriptionStarts[i] = this.#descriptionOffset;
    this.#pendingText.push(entry);
    if (!searched) {
      this.#descriptionOffset += row.description.length;
      this.#pendingDescriptions.push(row.description);
    }
    this.size = i + 1;
    if ((this.size & (PART_ROWS - 1)) === 0) this.#flushPart();
  }

  /** Trims the arrays; no more rows after this. */
  finish(): this {
    if (this.#finished) return this;
    this.#flushPart();
    const n = this.size;
    this.#starts[n] = this.#offset;
    this.#descriptionStarts[n] = this.#descriptionOffset;
    this.#ids = this.#ids.slice(0, n);
    this.#registryIds = this.#registryIds?.slice(0, n);
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

  /** Characters of text kept: the searched text plus the descriptions kept apart. */
  get textLength(): number {
    return this.#offset + this.#descriptionOffset;
  }

  nameAt(i: number): string {
    const other = this.#otherNames.get(i);
    if (other !== undefined) return other;
    const part = i >> PART_SHIFT;
    const start = this.#starts[i]! - this.#partStarts[part]!;
    return this.#textParts[part]!.slice(start, start + this.#nameLengths[i]!);
  }

  isEmpty(i: number): boolean {
    return (this.#flags[i]! & EMPTY) !== 0;
  }

  repository(i: number): RepositoryRow {
    const flags = this.#flags[i]!;
    const lastPush = this.#lastPush[i]!;
    return {
      id: this.#ids[i]!,
      registryId: this.#registryIds?.[i] ?? this.#registryId!,
      name: this.nameAt(i),
      description: this.#description(i, flags),
      starCount: this.#stars[i]!,
      official: (flags & OFFICIAL) !== 0,
      automated: (flags & AUTOMATED) !== 0,
      empty: (flags & EMPTY) !== 0,
      lastPushAt: Number.isNaN(lastPush) ? null : lastPush,
      tagCount: this.#tagCounts[i]!,
    };
  }

  /**
   * Positions (ascending) of the repositories whose lower-cased name or description contains
   * `needle`; one `indexOf` scan per text part (no entry spans two parts).
   */
  matching(needle: string): Int32Array {
    if (needle === '') return Int32Array.from({ length: this.size }, (_, i) => i);
    const found: number[] = [];
    const starts = this.#starts;
    for (let part = 0; part < this.#textParts.length; part++) {
      const text = this.#textParts[part]!;
      const base = this.#partStarts[part]!;
      const last = Math.min(this.size, (part + 1) << PART_SHIFT) - 1;
      let entry = part << PART_SHIFT;
      let at = text.indexOf(needle);
      while (at >= 0) {
        // advance to the entry containing `at` (entries and hits both ascend)
        while (entry < last && starts[entry + 1]! - base <= at) entry++;
        found.push(entry);
        if (entry >= last) break;
        at = text.indexOf(needle, starts[entry + 1]! - base);
      }
    }
    return Int32Array.from(found);
  }

  #description(i: number, flags: number): string {
    if ((flags & DESCRIPTION_SEARCHED) !== 0) {
      const part = i >> PART_SHIFT;
      const base = this.#partStarts[part]!;
      const start = this.#starts[i]! - base + this.#nameLengths[i]! + 1;
      // The entry ends with NUL, just before the next entry (or the end of the part).
      return this.#textParts[part]!.slice(start, this.#starts[i + 1]! - base - 1);
    }
    const part = i >> PART_SHIFT;
    const base = this.#descriptionPartStarts[part]!;
    return this.#descriptionParts[part]!.slice(
      this.#descriptionStarts[i]! - base,
      this.#descriptionStarts[i + 1]! - base,
    );
  }

  #setId(i: number, id: number): void {
    if (this.#ids instanceof Int32Array && (id | 0) !== id) this.#ids = Float64Array.from(this.#ids);
    this.#ids[i] = id;
  }

  #setRegistry(i: number, registryId: number): void {
    if (this.#registryIds) {
      this.#registryIds[i] = registryId;
    } else if (this.#registryId === undefined || this.#registryId === registryId) {
      this.#registryId = registryId;
    } else {
      this.#registryIds = new Float64Array(this.#flags.length).fill(this.#registryId, 0, i);
      this.#registryIds[i] = registryId;
    }
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
    if (this.#registryIds) this.#registryIds = grow(this.#registryIds);
    this.#stars = grow(this.#stars);
    this.#tagCounts = grow(this.#tagCounts);
    this.#lastPush = grow(this.#lastPush);
    this.#flags = grow(this.#flags);
    this.#nameLengths = grow(this.#nameLengths);
    this.#starts = grow(this.#starts, -1);
    this.#descriptionStarts = grow(this.#descriptionStarts, -1);
  }
}
