/**
 * Keeps the audit log complete and bounded (`audit:` in purser.yaml; the server's background
 * prune and `purser audit prune`), in three steps, each in chunks so no step holds the store:
 * 1. compact: repeated token grants of finished minutes (rows identical but for their time,
 *    audit-compaction.ts) become one row with `count`, first `time` and `last_time`; a mark in
 *    `meta` (`audit_compacted_until`) makes each minute compacted once;
 * 2. expire: rows older than `retention_days` are deleted;
 * 3. trim: beyond `max_rows`, the oldest rows are deleted.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { type CompactableRow, compactionKey, MINUTE_MS } from './audit-compaction.ts';

export interface AuditRetention {
  readonly retentionDays: number;
  readonly maxRows: number;
}

export type PrunePhase = 'compact' | 'expire' | 'trim';

export interface PruneSummary {
  /** Rows merged into compact rows (and so removed). */
  readonly compacted: number;
  /** Rows deleted for their age. */
  readonly expired: number;
  /** Rows deleted beyond max_rows. */
  readonly trimmed: number;
  /** Rows left. */
  readonly remaining: number;
}

export interface PruneOptions {
  readonly now?: number;
  readonly chunk?: number;
  /** After each chunk: the phase and how many rows it has handled so far. */
  readonly onProgress?: (phase: PrunePhase, done: number) => void;
}

const MARK = 'audit_compacted_until';

export async function pruneAudit(
  db: Kysely<Database>,
  retention: AuditRetention,
  options: PruneOptions = {},
): Promise<PruneSummary> {
  const now = options.now ?? Date.now();
  const chunk = options.chunk ?? 5_000;
  const progress = options.onProgress ?? (() => {});
  const compacted = await compact(db, Math.floor(now / MINUTE_MS) * MINUTE_MS, chunk, progress);
  const expired = await deleteChunks(
    db,
    chunk,
    (done) => progress('expire', done),
    (limit) =>
      db
        .selectFrom('audit_log')
        .select('id')
        .where('time', '<', now - retention.retentionDays * 86_400_000)
        .orderBy('id')
        .limit(limit),
  );
  const total = await countRows(db);
  let trimmed = 0;
  if (total > retention.maxRows) {
    let excess = total - retention.maxRows;
    trimmed = await deleteChunks(
      db,
      chunk,
      (done) => progress('trim', done),
      (limit) => {
        const take = Math.min(limit, excess);
        excess -= take;
        return db.selectFrom('audit_log').select('id').orderBy('time').orderBy('id').limit(take);
      },
    );
  }
  return { compacted, expired, trimmed, remaining: total - trimmed };
}

async function countRows(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

async function deleteChunks(
  db: Kysely<Database>,
  chunk: number,
  progress: (done: number) => void,
  select: (limit: number) => { execute(): Promise<{ id: number }[]> },
): Promise<number> {
  let done = 0;
  for (;;) {
    const ids = (await select(chunk).execute()).map((r) => Number(r.id));
    if (ids.length === 0) return done;
    await db.deleteFrom('audit_log').where('id', 'in', ids).execute();
    done += ids.length;
    progress(done);
    if (ids.length < chunk) return done;
  }
}

/** Compacts token grants of the minutes in [mark, until); returns the rows merged away. */
async function compact(
  db: Kysely<Database>,
  until: number,
  chunk: number,
  progress: (phase: PrunePhase, done: number) => void,
): Promise<number> {
  const mark = await db.selectFrom('meta').select('value').where('key', '=', MARK).executeTakeFirst();
  let after = { time: Number(mark?.value ?? 0), id: 0 };
  let merged = 0;
  let minute = -1;
  let groups = new Map<string, { keep: CompactableRow & { id: number }; ids: number[] }>();
  const flush = async () => {
    for (const { keep, ids } of groups.values()) {
      if (ids.length === 0) continue;
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('audit_log')
          .set({ time: keep.time, last_time: keep.last_time ?? null, count: keep.count })
          .where('id', '=', keep.id)
          .execute();
        for (let i = 0; i < ids.length; i += 500)
          await trx
            .deleteFrom('audit_log')
            .where('id', 'in', ids.slice(i, i + 500))
            .execute();
      });
      merged += ids.length;
    }
    groups = new Map();
    progress('compact', merged);
  };
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('source', '=', 'authority')
      .where('action', '=', 'token.issue')
      .where('time', '<', until)
      .where((eb) =>
        eb.or([eb('time', '>', after.time), eb.and([eb('time', '=', after.time), eb('id', '>', after.id)])]),
      )
      .orderBy('time')
      .orderBy('id')
      .limit(chunk)
      .execute();
    for (const row of rows) {
      const m = Math.floor(row.time / MINUTE_MS);
      if (m !== minute) {
        await flush();
        minute = m;
      }
      const compactable = { ...row, id: Number(row.id), count: Number(row.count), time: Number(row.time) };
      const key = compactionKey(compactable);
      const group = groups.get(key);
      if (!group) groups.set(key, { keep: compactable, ids: [] });
      else {
        group.keep.last_time = Math.max(
          group.keep.last_time ?? group.keep.time,
          Number(row.last_time ?? row.time),
        );
        group.keep.count += compactable.count;
        group.ids.push(compactable.id);
      }
      after = { time: compactable.time, id: compactable.id };
    }
    if (rows.length < chunk) break;
  }
  await flush();
  const value = String(until);
  await db
    .insertInto('meta')
    .values({ key: MARK, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
  return merged;
}
