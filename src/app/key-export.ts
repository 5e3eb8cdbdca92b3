/**
 * `purser keys export --pem`: the raw private key of a signing key, for the rare operator who
 * needs it (an HSM import, another token server). Local only: it needs the data directory and
 * the master key, never the API, and every export is audited (`key.export`).
 */
import os from 'node:os';
import { AuditLog } from '../audit/audit-log.ts';
import { loadSecretBox } from '../crypto/master-key.ts';
import { BadRequest } from '../domain/errors.ts';
import { openDatabase } from '../store/database.ts';
import { KeyStore } from '../token/key-store.ts';
import { resolveDataLocation } from './data-dir.ts';

export async function exportSigningKey(
  options: {
    readonly config?: string | undefined;
    readonly server?: unknown;
    readonly kid?: string | undefined;
  },
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ kid: string; pem: string }> {
  if (typeof options.server === 'string' && options.server !== '')
    throw new BadRequest(
      'keys export works on the local data directory (--config / PURSER_DATA), not with --server',
    );
  const location = resolveDataLocation(options, env);
  const { box } = loadSecretBox(location.dataDir, env);
  const database = await openDatabase({ dataDir: location.dataDir, url: location.databaseUrl });
  try {
    const exported = await new KeyStore(database.db, box, location.dataDir).exportPem(options.kid);
    await new AuditLog(database.db).record({
      action: 'key.export',
      actor: os.userInfo().username || 'local',
      actorKind: 'system',
      target: `key:${exported.kid}`,
      outcome: 'success',
    });
    return exported;
  } finally {
    await database.close();
  }
}
