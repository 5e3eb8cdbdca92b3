/**
 * Backups of a data directory, taken while Purser runs, and their restore into an empty one.
 *
 * A backup is one gzipped tar file: `purser-backup.json` (what it holds), the SQLite database
 * copied with SQLite's online backup API (a consistent snapshot while writers go on, WAL
 * included), and the data directory's keys: `master.key` (unless the master key comes from
 * PURSER_MASTER_KEY) and `keys/`. The file therefore opens every sealed secret: it is written
 * 0600 and must be kept like the master key.
 *
 * On PostgreSQL the database is not in the data directory: the backup holds the keys only and
 * `POSTGRES_BACKUP_ADVICE` says how to dump the database with pg_dump (a consistent snapshot
 * too). The CLI commands (`purser backup`, `purser restore`) come with phase 2 of issue 13.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { masterKeyFile } from '../crypto/master-key.ts';
import { BadRequest, Conflict } from '../domain/errors.ts';
import { sqlitePath } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

export const BACKUP_MANIFEST = 'purser-backup.json';
export const BACKUP_FORMAT = 1;
/** Where the signing keys' PEM copies live in a data directory (token/key-store.ts). */
const KEYS_DIR = 'keys';
const DATABASE_ENTRY = 'purser.db';
const MASTER_KEY_ENTRY = 'master.key';

export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  readonly created_at: string;
  readonly dialect: 'sqlite' | 'postgres';
  /** Migrations applied to the backed-up database (SQLite); a restore refuses unknown ones. */
  readonly migrations: readonly string[];
  /** `file`: master.key is in the backup; `environment`: it came from PURSER_MASTER_KEY, keep it. */
  readonly master_key: 'file' | 'environment';
  readonly files: readonly string[];
}

export const POSTGRES_BACKUP_ADVICE = [
  "The database is PostgreSQL: this backup holds the data directory's keys only.",
  'Back up the database itself with pg_dump, which takes a consistent snapshot while Purser runs:',
  '  pg_dump --format=custom --file=purser.pgdump "$DATABASE_URL"',
  'and restore it into an empty database with:',
  '  pg_restore --no-owner --dbname="$DATABASE_URL" purser.pgdump',
  'Keep both files together: the sealed secrets in the dump open only with the master key.',
].join('\n');

export interface BackupOptions {
  readonly dataDir: string;
  /** The backup file to write (created 0600; refused if it exists). */
  readonly out: string;
  readonly databaseUrl?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

export async function backup(options: BackupOptions): Promise<BackupManifest> {
  const env = options.env ?? process.env;
  if (fs.existsSync(options.out)) throw new Conflict(`${options.out} exists: give a new file name`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-backup-'));
  try {
    fs.chmodSync(staging, 0o700);
    const files: string[] = [];
    let migrations: string[] = [];
    const dialect = options.databaseUrl ? 'postgres' : 'sqlite';
    if (dialect === 'sqlite') {
      migrations = await copySqlite(sqlitePath(options.dataDir), path.join(staging, DATABASE_ENTRY));
      files.push(DATABASE_ENTRY);
    }
    let masterKey: BackupManifest['master_key'] = 'environment';
    if (!env.PURSER_MASTER_KEY) {
      const keyFile = masterKeyFile(options.dataDir, env);
      if (!fs.existsSync(keyFile)) throw new BadRequest(`${keyFile} does not exist: nothing opens this data`);
      fs.copyFileSync(keyFile, path.join(staging, MASTER_KEY_ENTRY));
      files.push(MASTER_KEY_ENTRY);
      masterKey = 'file';
    }
    const keys = path.join(options.dataDir, KEYS_DIR);
    if (fs.existsSync(keys)) {
      fs.cpSync(keys, path.join(staging, KEYS_DIR), { recursive: true });
      files.push(KEYS_DIR);
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      created_at: new Date().toISOString(),
      dialect,
      migrations,
      master_key: masterKey,
      files,
    };
    fs.writeFileSync(path.join(staging, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    // Written beside the target, then renamed: a failed backup leaves no half file behind.
    const partial = `${options.out}.${crypto.randomBytes(4).toString('hex')}.partial`;
    const fd = fs.openSync(partial, 'wx', 0o600);
    fs.closeSync(fd);
    try {
      await tar.create({ gzip: true, file: partial, cwd: staging, portable: true }, [
        BACKUP_MANIFEST,
        ...files,
      ]);
      fs.chmodSync(partial, 0o600);
      fs.renameSync(partial, options.out);
    } catch (error) {
      fs.rmSync(partial, { force: true });
      throw error;
    }
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** SQLite's online backup of `source` into `target`; returns the migrations it had applied. */
async function copySqlite(source: string, target: string): Promise<string[]> {
  if (!fs.existsSync(source)) throw new BadRequest(`${source} does not exist: no SQLite database to back up`);
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(target);
  } finally {
    db.close();
  }
  return appliedMigrations(target);
}

async function appliedMigrations(file: string): Promise<string[]> {
  const { default: SQLite } = await import('better-sqlite3');
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BadRequest(`the database copy is damaged: ${String(check)}`);
    const rows = db.prepare('select name from purser_migrations order by name').all() as { name: string }[];
    return rows.map((row) => row.name);
  } finally {
    db.close();
  }
}

export interface RestoreOptions {
  readonly file: string;
  /** Must not exist or be empty. */
  readonly dataDir: string;
}

/** Restores a backup into an empty data directory; returns what it held. */
export async function restore(options: RestoreOptions): Promise<BackupManifest> {
  if (fs.existsSync(options.dataDir) && fs.readdirSync(options.dataDir).length > 0)
    throw new Conflict(`${options.dataDir} is not empty: restore into a new or empty data directory`);
  const manifest = await readManifest(options.file);
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const unknown = manifest.migrations.filter((name) => !known.has(name));
  if (unknown.length > 0)
    throw new BadRequest(
      `the backup comes from a newer Purser (schema ${unknown.join(', ')}): restore it with that version or later`,
    );
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  await tar.extract({
    file: options.file,
    cwd: options.dataDir,
    // Only what the manifest lists, never outside the directory, never links.
    filter: (entry, stat) =>
      manifest.files.some((f) => entry === f || entry.startsWith(`${f}/`)) &&
      !('type' in stat && (stat.type === 'SymbolicLink' || stat.type === 'Link')),
    preservePaths: false,
  });
  for (const file of walk(options.dataDir)) fs.chmodSync(file.path, file.directory ? 0o700 : 0o600);
  if (manifest.dialect === 'sqlite') await appliedMigrations(sqlitePath(options.dataDir));
  return manifest;
}

/** The manifest of a backup file, checked before anything is written. */
export async function readManifest(file: string): Promise<BackupManifest> {
  let text: string | undefined;
  try {
    await tar.list({
      file,
      onReadEntry: (entry) => {
        if (entry.path !== BACKUP_MANIFEST) return entry.resume();
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => {
          text = Buffer.concat(chunks).toString('utf8');
        });
      },
    });
  } catch (error) {
    throw new BadRequest(`${file} is not a Purser backup (${(error as Error).message})`);
  }
  if (text === undefined) throw new BadRequest(`${file} is not a Purser backup (no ${BACKUP_MANIFEST})`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(text) as BackupManifest;
  } catch {
    throw new BadRequest(`${file}: ${BACKUP_MANIFEST} is not JSON`);
  }
  if (manifest.format !== BACKUP_FORMAT)
    throw new BadRequest(
      `${file}: backup format ${String(manifest.format)} is not supported (expected ${BACKUP_FORMAT})`,
    );
  return manifest;
}

function* walk(dir: string): Generator<{ path: string; directory: boolean }> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else yield { path: full, directory: false };
  }
  yield { path: dir, directory: true };
}
