/**
 * Opens everything a Purser process works with: store, master key, audit log, authority
 * (model, policy, keys). Shared by `purser serve` and by CLI commands in local mode.
 */
import pino, { type Logger } from 'pino';
import { loadSecretBox } from '../crypto/master-key.ts';
import type { AccessMode } from '../domain/model.ts';
import { openDatabase } from '../store/database.ts';
import { appendAuditLine, localAuditFile } from '../vault/local-audit.cts';
import { createAuditSink } from './audit-sink.ts';
import { Authority } from './authority.ts';
import { BufferedAudit } from './buffered-audit.ts';
import type { AppContext } from './context.ts';

/** Where a server keeps audit entries its store refused (`<data>/audit/`). */
export const UNWRITTEN_AUDIT = 'unwritten.jsonl';

export interface RuntimeOptions {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  readonly mode: AccessMode;
  readonly issuer: string;
  readonly lifetime: number;
  readonly logger?: Logger;
}

export interface Runtime {
  readonly ctx: AppContext;
  readonly authority: Authority;
  readonly audit: BufferedAudit;
  close(): Promise<void>;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const database = await openDatabase({ dataDir: options.dataDir, url: options.databaseUrl });
  try {
    const { box } = loadSecretBox(options.dataDir);
    const authority = await Authority.open({
      db: database.db,
      box,
      dataDir: options.dataDir,
      mode: options.mode,
      issuer: options.issuer,
      lifetime: options.lifetime,
    });
    // An entry the store refuses (disk full, database down) goes to <data>/audit/unwritten.jsonl
    // instead of being lost; the failure is logged at most every 10 s.
    let lastWarning = 0;
    const unwritten = localAuditFile(options.dataDir, UNWRITTEN_AUDIT);
    const sink = createAuditSink(database, (error, entry) => {
      appendAuditLine(options.dataDir, entry, UNWRITTEN_AUDIT);
      if (Date.now() - lastWarning < 10_000) return;
      lastWarning = Date.now();
      logger.error({ err: error, file: unwritten }, 'audit write failed; entries kept in the file');
    });
    const audit = new BufferedAudit(sink, {
      onError: (error) => logger.error({ err: error }, 'audit write failed'),
    });
    const controller = new AbortController();
    const ctx: AppContext = {
      dataDir: options.dataDir,
      publicUrl: options.publicUrl,
      issuer: options.issuer,
      database,
      db: database.db,
      box,
      audit,
      logger,
      minter: authority.issuer,
      authority,
      shutdown: controller.signal,
    };
    return {
      ctx,
      authority,
      audit,
      async close() {
        controller.abort();
        await audit.flush();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
