/**
 * The audit pipeline of a running Purser: entries are queued (BufferedAudit, off the request
 * path) and written in batches to the store's audit log, the same log registry events go to and
 * `purser audit` and the API query. An entry the store refuses (disk full, database down) goes
 * to `<data>/audit/unwritten.jsonl` instead of being lost; the failure is logged at most every
 * 10 s.
 */
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../store/database.ts';
import { AuditLog } from './audit-log.ts';
import { BufferedAudit } from './buffered-audit.ts';
import { appendAuditLine, localAuditFile } from './local-audit.cts';

/** Where a server keeps audit entries its store refused (`<data>/audit/`). */
export const UNWRITTEN_AUDIT = 'unwritten.jsonl';

export interface AuditPipeline {
  /** Where entries are recorded (queued). */
  readonly sink: BufferedAudit;
  /** The stored log, for queries and exports. */
  readonly log: AuditLog;
}

export function openAuditPipeline(options: {
  readonly database: DatabaseHandle;
  readonly dataDir: string;
  readonly logger: Logger;
  /** Entries the store refused (kept in the file instead): for metrics. */
  readonly onWriteFailure?: (count: number) => void;
}): AuditPipeline {
  const { database, dataDir, logger } = options;
  let lastWarning = 0;
  const unwritten = localAuditFile(dataDir, UNWRITTEN_AUDIT);
  const log = new AuditLog(database.db, {
    rows: database.rows,
    onError: (error, entry) => {
      appendAuditLine(dataDir, entry, UNWRITTEN_AUDIT);
      options.onWriteFailure?.(1);
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      logger.error({ err: error, file: unwritten }, 'audit write failed; entries kept in the file');
    },
  });
  const sink = new BufferedAudit(log, {
    onError: (error) => logger.error({ err: error }, 'audit write failed'),
  });
  return { sink, log };
}
