/**
 * `purser backup` and `purser restore` over store/backup.ts, for the data directory the
 * configuration names (app/data-dir.ts): a consistent online backup (SQLite backup API, the
 * keys; PostgreSQL: the keys and pg_dump advice), and a restore into an empty data directory.
 */
import fs from 'node:fs';
import { BadRequest } from '../domain/errors.ts';
import { type BackupManifest, backup, POSTGRES_BACKUP_ADVICE, restore } from '../store/backup.ts';
import { resolveDataLocation } from './data-dir.ts';

export interface DataBackupResult {
  readonly manifest: BackupManifest;
  readonly dataDir: string;
  /** For PostgreSQL: how to dump the database itself. */
  readonly advice: string | undefined;
}

const localOnly = (server: unknown) => {
  if (typeof server === 'string' && server !== '')
    throw new BadRequest(
      'backup and restore work on the local data directory (--config / PURSER_DATA); --server is not supported for them',
    );
};

export async function backupDataDir(
  options: { readonly config?: string | undefined; readonly server?: unknown; readonly out: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<DataBackupResult> {
  localOnly(options.server);
  const location = resolveDataLocation(options, env);
  if (!fs.existsSync(location.dataDir))
    throw new BadRequest(
      `${location.dataDir} does not exist: no data directory to back up (--config / PURSER_DATA)`,
    );
  const manifest = await backup({
    dataDir: location.dataDir,
    out: options.out,
    databaseUrl: location.databaseUrl,
    env,
  });
  return {
    manifest,
    dataDir: location.dataDir,
    advice: manifest.dialect === 'postgres' ? POSTGRES_BACKUP_ADVICE : undefined,
  };
}

export async function restoreDataDir(
  options: { readonly config?: string | undefined; readonly server?: unknown; readonly file: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<DataBackupResult> {
  localOnly(options.server);
  const location = resolveDataLocation(options, env);
  const manifest = await restore({ file: options.file, dataDir: location.dataDir });
  return {
    manifest,
    dataDir: location.dataDir,
    advice: manifest.dialect === 'postgres' ? POSTGRES_BACKUP_ADVICE : undefined,
  };
}
