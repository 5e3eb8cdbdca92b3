/**
 * A data directory that has been used (signing keys in `keys/`, audit journal segments in
 * `audit/journal/`) but whose database is gone: deleted, moved, or an empty PostgreSQL database.
 * Starting anyway used to create a new database silently, with a new signing key (every
 * registry's bundle stale), no notification secret and none of the accounts; so Purser refuses
 * unless told to initialise (`purser serve --init`). A master key alone does not count: it may
 * be provisioned before the first start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { journalDir } from '../audit/audit-journal.ts';
import { AuthorityError } from '../domain/errors.ts';
import { sqlitePath } from '../store/database.ts';

/** What in `dataDir` shows it has been used, described for a person. */
export function usedDataDirMarks(dataDir: string): string[] {
  const marks: string[] = [];
  if (hasFiles(path.join(dataDir, 'keys'), /\.pem$/)) marks.push('signing keys (keys/)');
  if (hasFiles(journalDir(dataDir), /\.jsonl$/)) marks.push('audit journal segments (audit/journal/)');
  return marks;
}

/** The refusal, naming what was found and the way out. */
export function missingDatabase(dataDir: string, database: string, marks: readonly string[]): AuthorityError {
  return new AuthorityError(
    'CONFIG_INVALID',
    `${dataDir} holds ${marks.join(' and ')} but ${database} has no Purser database: it was deleted, ` +
      'moved or replaced. Restore it from a backup, or start with "purser serve --init" to create a ' +
      "new, empty one (a new signing key: every registry's rootcertbundle must then be updated).",
  );
}

/**
 * Before a new SQLite database is created in a used data directory: refuses, unless `init`;
 * with `init`, moves the old database's leftover -wal and -shm files aside (SQLite would apply
 * them to the new file).
 */
export function checkSqliteDatabase(dataDir: string, init: boolean): void {
  const file = sqlitePath(dataDir);
  if (fs.existsSync(file)) return;
  if (!init) {
    const marks = usedDataDirMarks(dataDir);
    if (marks.length > 0) throw missingDatabase(dataDir, file, marks);
    return;
  }
  for (const suffix of ['-wal', '-shm']) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, `${file}${suffix}.orphaned-${Date.now()}`);
  }
}

function hasFiles(dir: string, pattern: RegExp): boolean {
  try {
    return fs.readdirSync(dir).some((name) => pattern.test(name));
  } catch {
    return false;
  }
}
