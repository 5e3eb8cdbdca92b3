/**
 * The audit journal: every audit entry of a running Purser is appended here, synchronously,
 * before the request that caused it is answered, and only then written to the store in
 * batches. A process that dies (kill -9, OOM, a crash) loses no acknowledged entry: the next
 * start replays what the store does not have (journal-replay.ts).
 *
 * One segment per process, `<data>/audit/journal/<start ms>-<pid>.jsonl` (0600), one JSON line
 * per entry: `{"seq":N,"entry":{…}}`. Durability: a line is in the kernel's page cache when
 * `append` returns (a process crash keeps it); it is on disk after the next fdatasync, at most
 * `fsyncMs` (1 s) later, so a power cut can lose the last second of entries. A segment that the
 * store has fully taken is deleted when it passes `rotateBytes`, and at a clean stop.
 *
 * `write` is the fault-injection seam (tests give it ENOSPC); a failed append leaves no torn
 * line behind (the file is cut back to its previous length).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AuditEntry } from './audit-entry.ts';

export const JOURNAL_DIR = path.join('audit', 'journal');

export interface JournalLine {
  readonly seq: number;
  readonly entry: AuditEntry;
}

export interface JournalPosition {
  /** The segment's name (the store's mark key). */
  readonly journal: string;
  readonly seq: number;
  /** Byte offset just after the line. */
  readonly end: number;
}

export interface AuditJournalOptions {
  /** Longest time a written line waits for fdatasync, ms (default 1000). */
  readonly fsyncMs?: number;
  /** Size after which a fully stored segment is replaced by a new one (default 4 MiB). */
  readonly rotateBytes?: number;
  /** Writes `text` at the end of `fd` (fault-injection seam; default fs.writeSync). */
  readonly write?: (fd: number, text: string) => void;
}

interface Segment {
  readonly name: string;
  readonly file: string;
  readonly fd: number;
  bytes: number;
  seq: number;
}

export function journalDir(dataDir: string): string {
  return path.join(dataDir, JOURNAL_DIR);
}

/** The pid a segment name carries (`<start>-<pid>.jsonl`), or undefined for another file. */
export function segmentPid(name: string): number | undefined {
  const match = /^\d+-(\d+)\.jsonl$/.exec(name);
  return match ? Number(match[1]) : undefined;
}

export class AuditJournal {
  readonly dir: string;
  #segment: Segment | undefined;
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  readonly #options: AuditJournalOptions;
  readonly #write: (fd: number, text: string) => void;

  constructor(dataDir: string, options: AuditJournalOptions = {}) {
    this.dir = journalDir(dataDir);
    this.#options = options;
    this.#write = options.write ?? ((fd, text) => void fs.writeSync(fd, text));
  }

  /** The current segment's name (opening it), for marks. */
  get journal(): string {
    return this.#open().name;
  }

  /** Appends one entry; throws the file system's error (ENOSPC, EIO…) when it cannot. */
  append(entry: AuditEntry): JournalPosition {
    return this.appendText(entry.time ?? Date.now(), entryText(entry));
  }

  /**
   * Appends the entry whose JSON text without its time is `text` (entryText), at `time`: the
   * caller that already has the text (JournaledAudit, which compacts by it) saves a second
   * serialisation. The line is the same JSON as `append` writes, `time` first.
   */
  appendText(time: number, text: string): JournalPosition {
    const segment = this.#open();
    const seq = segment.seq + 1;
    const fields = text.length > 2 ? `,${text.slice(1)}` : '}';
    const line = `{"seq":${seq},"entry":{"time":${Number.isFinite(time) ? time : 'null'}${fields}}\n`;
    try {
      this.#write(segment.fd, line);
    } catch (error) {
      try {
        fs.ftruncateSync(segment.fd, segment.bytes);
      } catch {
        // the reader skips a torn line in any case
      }
      throw error;
    }
    segment.seq = seq;
    segment.bytes += Buffer.byteLength(line);
    this.#scheduleSync(segment);
    return { journal: segment.name, seq, end: segment.bytes };
  }

  /**
   * Complete lines of the current segment from byte `offset`, at most about `maxBytes` of them
   * (the catch-up after the store refused a batch), and the offset after the last one.
   */
  readFrom(offset: number, maxBytes = 1 << 20): { lines: JournalLine[]; end: number } {
    const segment = this.#segment;
    if (!segment || offset >= segment.bytes) return { lines: [], end: offset };
    const length = Math.min(maxBytes, segment.bytes - offset);
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(segment.fd, buffer, 0, length, offset);
    return parseLines(buffer.subarray(0, read), offset);
  }

  /** The store has every entry up to `seq`: a large, fully stored segment is replaced. */
  stored(seq: number): string | undefined {
    const segment = this.#segment;
    if (!segment || seq !== segment.seq || segment.bytes < (this.#options.rotateBytes ?? 4 << 20)) return;
    this.#closeSegment(true);
    return segment.name;
  }

  /** At a clean stop: syncs, closes, and deletes the segment when the store has all of it. */
  close(storedSeq: number | undefined): void {
    const segment = this.#segment;
    if (!segment) return;
    this.#closeSegment(storedSeq === segment.seq);
  }

  #open(): Segment {
    if (this.#segment) return this.#segment;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const name = `${Date.now()}-${process.pid}.jsonl`;
    const file = path.join(this.dir, name);
    const fd = fs.openSync(file, 'a+', 0o600);
    this.#segment = { name, file, fd, bytes: fs.fstatSync(fd).size, seq: 0 };
    return this.#segment;
  }

  #scheduleSync(segment: Segment): void {
    this.#dirty = true;
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#dirty || this.#segment !== segment) return;
      this.#dirty = false;
      fs.fdatasync(segment.fd, () => {});
    }, this.#options.fsyncMs ?? 1_000);
    this.#timer.unref();
  }

  #closeSegment(remove: boolean): void {
    const segment = this.#segment;
    if (!segment) return;
    this.#segment = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      // A segment the store has fully taken is deleted: syncing it first would protect nothing
      // (and under token load the rotation every 4 MiB stalled the event loop for it).
      if (this.#dirty && !remove) fs.fdatasyncSync(segment.fd);
    } catch {
      // the close below still releases the descriptor
    }
    this.#dirty = false;
    fs.closeSync(segment.fd);
    if (remove) fs.rmSync(segment.file, { force: true });
  }
}

/** The JSON text of an entry without its `time` (an object: `{"action":…}`). */
export function entryText(entry: AuditEntry): string {
  if (entry.time === undefined) return JSON.stringify(entry);
  const { time: _time, ...rest } = entry;
  return JSON.stringify(rest);
}

/** Parses complete JSON lines of `buffer` (which starts at byte `offset` of its file). */
export function parseLines(buffer: Buffer, offset: number): { lines: JournalLine[]; end: number } {
  const lines: JournalLine[] = [];
  let start = 0;
  for (;;) {
    const newline = buffer.indexOf(10, start);
    if (newline < 0) break;
    const text = buffer.toString('utf8', start, newline);
    start = newline + 1;
    try {
      const parsed = JSON.parse(text) as Partial<JournalLine>;
      if (typeof parsed.seq === 'number' && parsed.entry && typeof parsed.entry === 'object')
        lines.push({ seq: parsed.seq, entry: parsed.entry });
    } catch {
      // a line torn by a crash in the middle of a write: nothing was acknowledged for it
    }
  }
  return { lines, end: offset + start };
}
