/**
 * Opens everything a Purser process works with: store, master key, audit log, authority
 * (model, policy, keys). Shared by `purser serve` and by CLI commands in local mode.
 */
import pino, { type Logger } from 'pino';
import { openAuditPipeline } from '../audit/audit-pipeline.ts';
import type { BufferedAudit } from '../audit/buffered-audit.ts';
import { loadSecretBox } from '../crypto/master-key.ts';
import type { AccessMode } from '../domain/model.ts';
import { openDatabase } from '../store/database.ts';
import { Authority } from './authority.ts';
import type { AppContext } from './context.ts';

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
    const { sink: audit } = openAuditPipeline({ database, dataDir: options.dataDir, logger });
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
