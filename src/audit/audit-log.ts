/**
 * One audit log for registry events and the authority's own entries (logins, tokens issued,
 * changes). Implements AuditSink. Queries filter by principal, repository, digest, action,
 * service and time range with paging; exports are CSV or JSON; `usage` answers "who pulled
 * this image" (users, services and robots, when, and from which address).
 */
import type { Kysely } from 'kysely';
import { kyselyRowWriter, type RowWriter } from '../store/database.ts';
import type { JournalMark } from '../store/row-writer.ts';
import type { Database } from '../store/schema.ts';
import { compactRows } from './audit-compaction.ts';
import type { AuditEntry, AuditSink, CountedEntry } from './audit-entry.ts';
import { type AuditPage, type AuditQuery, applyFilter } from './audit-query.ts';
import { AUDIT_COLUMNS, type AuditRecord, authorityRow, csvLine, toRecord } from './audit-record.ts';
import { type ImageUsageQuery, type ImageUser, imageUsage } from './image-usage.ts';

export type { AuditPage, AuditQuery, AuditRecord, ImageUser };
export { AUDIT_COLUMNS, csvLine };

export interface AuditLogOptions {
  /** Called when recording an authority entry fails (the caller's operation still succeeds). */
  onError?: (error: unknown, entry: AuditEntry) => void;
  /** The store's bulk row writer (DatabaseHandle.rows); default: multi-row Kysely inserts. */
  rows?: RowWriter;
}

export class AuditLog implements AuditSink {
  readonly #db: Kysely<Database>;
  readonly #onError: ((error: unknown, entry: AuditEntry) => void) | undefined;
  readonly #rows: RowWriter;

  constructor(db: Kysely<Database>, options: AuditLogOptions = {}) {
    this.#db = db;
    this.#onError = options.onError;
    this.#rows = options.rows ?? kyselyRowWriter(db);
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.recordMany([entry]);
  }

  /**
   * Writes a batch in one transaction, repeated token grants compacted (audit-compaction.ts),
   * with the journal's mark when given (JournaledAudit calls this). `compacted`: the caller
   * already counted the repeats (JournaledAudit's queue), so the batch is written as it is.
   */
  async recordMany(entries: readonly CountedEntry[], mark?: JournalMark, compacted = false): Promise<void> {
    if (entries.length === 0) return;
    try {
      const rows = entries.map(authorityRow);
      await this.#rows.insertRows('audit_log', compacted ? rows : compactRows(rows), mark);
    } catch (error) {
      if (this.#onError) for (const entry of entries) this.#onError(error, entry);
      else throw error;
    }
  }

  async query(filter: AuditQuery, page = 1, perPage = 50): Promise<AuditPage> {
    const p = Math.max(1, Math.floor(page));
    const n = Math.min(Math.max(1, Math.floor(perPage)), 1000);
    const base = applyFilter(this.#db.selectFrom('audit_log'), filter);
    const [rows, count] = await Promise.all([
      base
        .selectAll()
        .orderBy('time', 'desc')
        .orderBy('id', 'desc')
        .limit(n)
        .offset((p - 1) * n)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    ]);
    return {
      entries: rows.map((r) => toRecord(r)),
      total: Number(count?.n ?? 0),
      page: p,
      perPage: n,
    };
  }

  /** Every matching entry, oldest first, in chunks (for exports of any size). */
  async *iterate(filter: AuditQuery, chunk = 1000): AsyncGenerator<AuditRecord> {
    let after = 0;
    for (;;) {
      const rows = await applyFilter(this.#db.selectFrom('audit_log'), filter)
        .selectAll()
        .where('id', '>', after)
        .orderBy('id')
        .limit(chunk)
        .execute();
      for (const row of rows) yield toRecord(row);
      if (rows.length < chunk) return;
      after = Number(rows[rows.length - 1]!.id);
    }
  }

  /**
   * CSV lines, streamed. The header comes only once the first page has been read, so a
   * surface that awaits the first chunk knows the query works before it sends a status line.
   */
  async *exportCsv(filter: AuditQuery): AsyncGenerator<string> {
    const { first, rest } = await started(this.iterate(filter));
    yield `${AUDIT_COLUMNS.join(',')}\n`;
    if (first === undefined) return;
    yield `${csvLine(first)}\n`;
    for await (const record of rest) yield `${csvLine(record)}\n`;
  }

  /** JSON array text, streamed; the first chunk also waits for the first page (see exportCsv). */
  async *exportJson(filter: AuditQuery): AsyncGenerator<string> {
    const { first, rest } = await started(this.iterate(filter));
    if (first === undefined) {
      yield '[]\n';
      return;
    }
    yield `[\n${JSON.stringify(first)}`;
    for await (const record of rest) yield `,\n${JSON.stringify(record)}`;
    yield '\n]\n';
  }

  /**
   * Who pulled an image: pull events of the manifest `digests` (or of `tag`) in `repository`
   * (any repository when undefined) on `service`, grouped by principal.
   */
  usage(input: ImageUsageQuery): Promise<ImageUser[]> {
    return imageUsage(this.#db, input);
  }
}

/** Reads the first item (running the first query) and hands back the rest of the iteration. */
async function started<T>(
  items: AsyncIterable<T>,
): Promise<{ first: T | undefined; rest: AsyncIterable<T> }> {
  const iterator = items[Symbol.asyncIterator]();
  const head = await iterator.next();
  return {
    first: head.done ? undefined : head.value,
    rest: { [Symbol.asyncIterator]: () => iterator },
  };
}
