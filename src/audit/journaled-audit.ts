/**
 * The audit sink of a running Purser. `record` appends the entry to the journal (synchronously:
 * before the response goes out) and queues it; batches go to the store off the request path,
 * each with the journal mark in the same transaction. Nothing acknowledged is lost:
 * - the store refuses a batch (database away, disk full): the queue is dropped from memory and
 *   the store is later fed from the journal file itself, from the last stored position, with a
 *   growing delay (0.5 s to 30 s) between attempts, so memory stays bounded however long the
 *   outage lasts;
 * - the journal cannot be written (disk full): the entry is kept in memory (at most
 *   `maxUnjournaled`; beyond that it is counted as lost) and written to the store when it
 *   accepts; both counts are in `stats()` and each episode is logged once with the real error.
 * Batches are small and frequent (a full batch right after the current I/O turn, anything else
 * within `intervalMs`): entries that wait long are promoted to the old generation of the heap,
 * which under token load set the p99.
 *
 * Repeated token grants (audit-compaction.ts: identical but for their time, within a minute) are
 * counted in the queue as they arrive, keyed by the entry's JSON text, which is also what the
 * journal line is made of: a pull storm costs one serialisation and one journal line per token,
 * and one queued entry and one row per distinct grant, instead of a row object, a compaction key
 * and a second serialisation per token.
 */
import type { Logger } from 'pino';
import type { JournalMark } from '../store/row-writer.ts';
import { COMPACTED_ACTIONS, MINUTE_MS } from './audit-compaction.ts';
import type { AuditEntry, AuditSink, CountedEntry } from './audit-entry.ts';
import { type AuditJournal, entryText, type JournalPosition } from './audit-journal.ts';

export interface AuditBatchWriter {
  /** `compacted`: repeats are already counted (this queue's batches); otherwise compact them. */
  recordMany(entries: readonly CountedEntry[], mark?: JournalMark, compacted?: boolean): Promise<void>;
}

export interface AuditStats {
  /** Entries recorded and not yet in the store. */
  readonly pending: number;
  /** Entries the journal could not take (kept in memory until the store takes them). */
  readonly unjournaled: number;
  /** Entries neither the journal nor memory could keep. */
  readonly lost: number;
  /** Whether the store is being fed from the journal file after a refused batch. */
  readonly catchingUp: boolean;
}

export interface JournaledAuditOptions {
  readonly logger?: Logger;
  readonly intervalMs?: number;
  readonly batchSize?: number;
  readonly maxUnjournaled?: number;
  /** First and longest delay between attempts while the store refuses, ms. */
  readonly retryMs?: readonly [number, number];
  /** A segment was replaced: its mark can go (best effort). */
  readonly onSegmentDone?: (journal: string) => void;
  /** The store refused a batch (StoreHealth.reportFailure). */
  readonly onStoreError?: (error: unknown) => void;
}

const SLICE = 250;

interface Queued {
  /** With its time. */
  readonly entry: AuditEntry;
  /** The position of the last entry counted here. */
  at: JournalPosition;
  count: number;
  lastTime: number;
}

export class JournaledAudit implements AuditSink {
  #queue: Queued[] = [];
  /** Queued grants that a repeat is counted in, by their JSON text without time. */
  readonly #grants = new Map<string, Queued>();
  /** Whether a queued grant counts an entry journaled after a later queued one. */
  #merged = false;
  #unjournaled: AuditEntry[] = [];
  #stored: JournalPosition | undefined;
  #written = 0;
  #recorded = 0;
  #catchingUp = false;
  #journalFailing = false;
  #storeFailing = false;
  #unjournaledTotal = 0;
  #lost = 0;
  #delay: number;
  #timer: NodeJS.Timeout | undefined;
  #soon = false;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly journal: AuditJournal,
    private readonly store: AuditBatchWriter,
    private readonly options: JournaledAuditOptions = {},
  ) {
    this.#delay = options.retryMs?.[0] ?? 500;
  }

  record(entry: AuditEntry): void {
    const time = entry.time ?? Date.now();
    const text = entryText(entry);
    this.#recorded++;
    try {
      const at = this.journal.appendText(time, text);
      if (this.#journalFailing) {
        this.#journalFailing = false;
        this.options.logger?.warn(
          { unjournaled: this.#unjournaledTotal, lost: this.#lost },
          'audit journal writable again',
        );
      }
      if (!this.#catchingUp) this.#enqueue(entry, time, text, at);
    } catch (error) {
      this.#keepUnjournaled(entry.time === undefined ? { ...entry, time } : entry, error);
    }
    this.#schedule();
  }

  /** Counts a repeated grant in its queued twin of the same minute, or queues the entry. */
  #enqueue(entry: AuditEntry, time: number, text: string, at: JournalPosition): void {
    const compacted = COMPACTED_ACTIONS.has(entry.action);
    if (compacted) {
      const twin = this.#grants.get(text);
      if (twin && Math.floor(twin.entry.time! / MINUTE_MS) === Math.floor(time / MINUTE_MS)) {
        twin.count++;
        twin.lastTime = Math.max(twin.lastTime, time);
        twin.at = at;
        this.#merged = true;
        return;
      }
    }
    const queued: Queued = {
      entry: entry.time === undefined ? { ...entry, time } : entry,
      at,
      count: 1,
      lastTime: time,
    };
    this.#queue.push(queued);
    if (compacted) this.#grants.set(text, queued);
  }

  stats(): AuditStats {
    return {
      pending: this.#recorded - this.#written,
      unjournaled: this.#unjournaledTotal,
      lost: this.#lost,
      catchingUp: this.#catchingUp,
    };
  }

  /** Writes what is queued (and what the journal holds beyond the store's position). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(() => this.#write());
    return this.#flushing;
  }

  /** Clean stop: a last flush, then the journal segment is closed (deleted when all is stored). */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.journal.close(this.#stored?.seq ?? (this.#recorded === 0 ? 0 : undefined));
  }

  #keepUnjournaled(entry: AuditEntry, error: unknown): void {
    this.#unjournaledTotal++;
    if (this.#unjournaled.length < (this.options.maxUnjournaled ?? 10_000)) this.#unjournaled.push(entry);
    else {
      this.#lost++;
      this.#written++;
    }
    if (!this.#journalFailing) {
      this.#journalFailing = true;
      this.options.logger?.error(
        { err: error, code: (error as NodeJS.ErrnoException).code, dir: this.journal.dir },
        'audit journal write failed; entries are kept in memory until the store takes them',
      );
    }
  }

  #schedule(): void {
    if (this.#closed || this.#storeFailing) return;
    if (this.#queue.length + this.#unjournaled.length >= (this.options.batchSize ?? 256)) {
      if (this.#soon) return;
      this.#soon = true;
      setImmediate(() => {
        this.#soon = false;
        void this.flush();
      });
    } else this.#timer ??= setTimeout(() => void this.flush(), this.options.intervalMs ?? 50);
  }

  async #write(): Promise<void> {
    try {
      if (this.#unjournaled.length > 0) {
        const batch = this.#unjournaled.slice(0, SLICE * 4);
        await this.store.recordMany(batch);
        this.#unjournaled.splice(0, batch.length);
        this.#written += batch.length;
      }
      if (this.#catchingUp) await this.#catchUp();
      else await this.#writeQueue();
      this.#recovered();
    } catch (error) {
      this.#refused(error);
    }
  }

  async #writeQueue(): Promise<void> {
    while (this.#queue.length > 0) {
      // A counted grant may hold an entry journaled after later queued ones: the batch's mark
      // (its highest seq) then says "all stored" only when the whole queue goes in one batch.
      const batch = this.#merged ? this.#queue.slice() : this.#queue.slice(0, SLICE);
      // What is being written takes no more repeats (they start a new queued entry).
      this.#grants.clear();
      this.#merged = false;
      let last = batch[0]!.at;
      let count = 0;
      const entries: CountedEntry[] = batch.map((q) => {
        if (q.at.seq > last.seq) last = q.at;
        count += q.count;
        return q.count === 1 ? q.entry : { ...q.entry, count: q.count, lastTime: q.lastTime };
      });
      await this.store.recordMany(entries, { journal: last.journal, seq: last.seq }, true);
      this.#queue.splice(0, batch.length);
      this.#advance(last, count);
      // Yield between slices: a large backlog never stalls requests for long.
      if (this.#queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async #catchUp(): Promise<void> {
    const journal = this.journal.journal;
    for (;;) {
      const base = this.#stored?.journal === journal ? this.#stored : undefined;
      const { lines, end } = this.journal.readFrom(base?.end ?? 0);
      const fresh = lines.filter((line) => line.seq > (base?.seq ?? 0));
      if (fresh.length === 0) {
        // Synchronously with the read that found nothing: entries recorded from now are queued.
        this.#catchingUp = false;
        if (base && end > base.end) this.#stored = { ...base, end };
        return;
      }
      const last = fresh[fresh.length - 1]!;
      await this.store.recordMany(
        fresh.map((line) => line.entry),
        { journal, seq: last.seq },
      );
      this.#advance({ journal, seq: last.seq, end }, fresh.length);
    }
  }

  #advance(at: JournalPosition, count: number): void {
    this.#stored = at;
    this.#written += count;
    const done = this.journal.stored(at.seq);
    if (done) {
      this.#stored = undefined;
      this.options.onSegmentDone?.(done);
    }
  }

  #recovered(): void {
    if (!this.#storeFailing) return;
    this.#storeFailing = false;
    this.#delay = this.options.retryMs?.[0] ?? 500;
    this.options.logger?.warn({ unjournaled: this.#unjournaled.length }, 'audit store writable again');
    this.#schedule();
  }

  #refused(error: unknown): void {
    this.options.onStoreError?.(error);
    if (!this.#storeFailing) {
      this.#storeFailing = true;
      // The real error, once per episode: what the store said, not what a rollback said after it.
      this.options.logger?.error(
        { err: error, code: (error as { code?: unknown }).code, pending: this.stats().pending },
        'audit write to the store failed; entries are kept in the journal and written when it accepts',
      );
    }
    this.#catchingUp = true;
    this.#queue = [];
    this.#grants.clear();
    this.#merged = false;
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#delay);
    this.#timer.unref();
    this.#delay = Math.min(this.#delay * 2, this.options.retryMs?.[1] ?? 30_000);
  }
}
