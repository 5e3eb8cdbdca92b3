/**
 * At start: the journal segments of processes that are gone (killed, crashed, or stopped while
 * the store refused entries) are replayed into the store, each entry exactly once: the segment's
 * mark (`audit_journal_marks`, written with every batch) says how far the store already has it.
 * A replayed segment is deleted with its mark. Segments of live processes (the CLI's local mode
 * next to a server on one data directory) are left to them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { parseLines, segmentPid } from './audit-journal.ts';
import type { AuditBatchWriter } from './journaled-audit.ts';

export interface ReplayResult {
  readonly segments: number;
  readonly entries: number;
}

export async function replayJournals(
  dir: string,
  db: Kysely<Database>,
  store: AuditBatchWriter,
  isAlive: (pid: number) => boolean = processAlive,
): Promise<ReplayResult> {
  let names: string[];
  try {
    names = fs.readdirSync(dir).sort();
  } catch {
    return { segments: 0, entries: 0 };
  }
  let segments = 0;
  let entries = 0;
  for (const name of names) {
    const pid = segmentPid(name);
    if (pid === undefined || pid === process.pid || isAlive(pid)) continue;
    const file = path.join(dir, name);
    const mark = await db
      .selectFrom('audit_journal_marks')
      .select('seq')
      .where('journal', '=', name)
      .executeTakeFirst();
    let after = Number(mark?.seq ?? 0);
    const { lines } = parseLines(fs.readFileSync(file), 0);
    const missing = lines.filter((line) => line.seq > after);
    for (let i = 0; i < missing.length; i += 500) {
      const batch = missing.slice(i, i + 500);
      after = batch[batch.length - 1]!.seq;
      await store.recordMany(
        batch.map((line) => line.entry),
        { journal: name, seq: after },
      );
    }
    fs.rmSync(file, { force: true });
    await db.deleteFrom('audit_journal_marks').where('journal', '=', name).execute();
    segments++;
    entries += missing.length;
  }
  return { segments, entries };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
