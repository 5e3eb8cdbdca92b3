/**
 * The audit pipeline of a running Purser: entries are journaled (AuditJournal, before the
 * response goes out), queued, and written in batches to the store's audit log, the same log
 * registry events go to and `purser audit` and the API query. At open, journal segments of
 * processes that died are replayed into the store first (journal-replay.ts).
 */
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../store/database.ts';
import { AuditJournal, type AuditJournalOptions } from './audit-journal.ts';
import { AuditLog } from './audit-log.ts';
import { replayJournals } from './journal-replay.ts';
import { JournaledAudit } from './journaled-audit.ts';

export interface AuditPipeline {
  /** Where entries are recorded (journaled, then queued). */
  readonly sink: JournaledAudit;
  /** The stored log, for queries and exports. */
  readonly log: AuditLog;
}

export async function openAuditPipeline(options: {
  readonly database: DatabaseHandle;
  readonly dataDir: string;
  readonly logger: Logger;
  /** Entries the store refused (kept in the journal until it takes them): for metrics. */
  readonly onWriteFailure?: (count: number) => void;
  /** Fault-injection seam and durability settings of the journal (tests). */
  readonly journal?: AuditJournalOptions;
}): Promise<AuditPipeline> {
  const { database, dataDir, logger } = options;
  const log = new AuditLog(database.db, { rows: database.rows });
  const journal = new AuditJournal(dataDir, options.journal);
  const replayed = await replayJournals(journal.dir, database.db, log);
  if (replayed.entries > 0 || replayed.segments > 0)
    logger.warn(replayed, 'audit entries of a stopped process replayed from the journal');
  const sink = new JournaledAudit(journal, log, {
    logger,
    onStoreError: (error) => {
      options.onWriteFailure?.(1);
      database.health.reportFailure(error);
    },
    onSegmentDone: (name) => {
      void database.db
        .deleteFrom('audit_journal_marks')
        .where('journal', '=', name)
        .execute()
        .catch(() => {});
    },
  });
  return { sink, log };
}
