/**
 * Opening the vault without a server: the data directory (found as `app/data-dir.ts` says),
 * the store in it (migrated) and the master key.
 */

import type { AuditSink } from '../audit/audit-entry.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { appendAuditLine } from '../audit/local-audit.cts';
import { loadSecretBox, type MasterKeySource } from '../crypto/master-key.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { BadRequest } from '../domain/errors.ts';
import { type DatabaseHandle, openDatabase } from '../store/database.ts';
import { writeHelperSnapshot } from '../vault/helper-snapshot.cts';
import { Vault } from '../vault/vault.ts';
import { prepareDataDir, resolveDataLocation } from './data-dir.ts';

export interface LocalVault {
  readonly dataDir: string;
  readonly database: DatabaseHandle;
  readonly box: SecretBox;
  readonly keySource: MasterKeySource;
  readonly audit: AuditSink;
  readonly vault: Vault;
  close(): Promise<void>;
}

export async function openLocalVault(
  options: { config?: string | undefined; server?: unknown } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalVault> {
  if (typeof options.server === 'string' && options.server !== '') {
    throw new BadRequest(
      'this command works on the local data directory (--config / PURSER_DATA); --server is not supported for it: use the API (/api/v1/environments/…) instead',
    );
  }
  const location = resolveDataLocation(options, env);
  prepareDataDir(location);
  const { box, source } = loadSecretBox(location.dataDir, env);
  const database = await openDatabase({ dataDir: location.dataDir, url: location.databaseUrl });
  // The store's audit log (what `purser audit` and the API query); if it cannot be written,
  // the entry goes to <data>/audit/vault.jsonl instead of being lost.
  const audit: AuditSink = new AuditLog(database.db, {
    onError: (_error, entry) => appendAuditLine(location.dataDir, entry),
  });
  const vault = new Vault(database.db, box, audit);
  return {
    dataDir: location.dataDir,
    database,
    box,
    keySource: source,
    audit,
    vault,
    async close() {
      await vault.close();
      // The audit entries of mints made in the background go before the store closes.
      await database.close();
      // Refresh the helper's snapshot after a change (SQLite only; see helper-snapshot.cts).
      if (vault.changed && !location.databaseUrl) {
        try {
          writeHelperSnapshot(location.dataDir);
        } catch {
          // the helper then reads the store itself
        }
      }
    },
  };
}
