/**
 * A read-only snapshot of what the credential helper needs (environment allowlists, and per
 * address: user name, sealed secret, state), written next to the SQLite store by local vault
 * commands after they change something. The helper uses it instead of loading better-sqlite3,
 * but only while the store is byte-for-byte unchanged since the snapshot was taken: the
 * snapshot records a signature of `purser.db` and `purser.db-wal` (size, mtime, the database
 * change counter and the WAL header, whose salts change on every WAL restart), and any write by
 * any process (a server, another CLI) changes it. A stale or missing snapshot means "read the
 * store", never "serve stale data". Secrets stay sealed exactly as in the store.
 */
import fs = require('node:fs');
import path = require('node:path');

export const SNAPSHOT_FILE = 'vault-helper.snapshot';

export interface SnapshotCredential {
  readonly username: string;
  readonly secret: string | null;
  readonly state: string;
  /** Absent in snapshots written before the cloud kinds (all static). */
  readonly kind?: string;
}

export interface SnapshotEnvironment {
  readonly allowlist: string | null;
  readonly credentials: Readonly<Record<string, SnapshotCredential>>;
}

export interface HelperSnapshot {
  readonly v: 1;
  readonly signature: string;
  readonly environments: Readonly<Record<string, SnapshotEnvironment>>;
}

function fileSignature(file: string, headerOffset: number, headerLength: number): string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return 'absent';
  }
  try {
    const stat = fs.fstatSync(fd, { bigint: true });
    const header = Buffer.alloc(headerLength);
    const n = fs.readSync(fd, header, 0, headerLength, headerOffset);
    return `${stat.size}:${stat.mtimeNs}:${stat.ino}:${header.subarray(0, n).toString('hex')}`;
  } finally {
    fs.closeSync(fd);
  }
}

/** Changes whenever any connection commits to the store or checkpoints it. */
export function storeSignature(dataDir: string): string {
  const db = path.join(dataDir, 'purser.db');
  return `${fileSignature(db, 24, 4)}|${fileSignature(`${db}-wal`, 0, 32)}`;
}

/** The snapshot when it matches the store as it is now; undefined otherwise. */
export function readHelperSnapshot(dataDir: string): HelperSnapshot | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dataDir, SNAPSHOT_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const snapshot = JSON.parse(text) as HelperSnapshot;
    if (snapshot.v !== 1 || typeof snapshot.signature !== 'string') return undefined;
    return snapshot.signature === storeSignature(dataDir) ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

interface SqliteReader {
  prepare(sql: string): { all(...params: unknown[]): unknown[] };
  close(): void;
}

/**
 * Takes a snapshot of a closed (or idle) SQLite store. Reads it read-only and keeps the result
 * only if the store's signature did not change while reading (a first read-only open creates an
 * empty WAL file, so it tries a few times). Removes a stale snapshot when it cannot write one.
 */
export function writeHelperSnapshot(dataDir: string): boolean {
  const target = path.join(dataDir, SNAPSHOT_FILE);
  const file = path.join(dataDir, 'purser.db');
  if (!fs.existsSync(file)) return false;
  const SQLite = require('better-sqlite3') as new (
    file: string,
    options: Record<string, unknown>,
  ) => SqliteReader;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const before = storeSignature(dataDir);
    const db = new SQLite(file, { readonly: true, fileMustExist: true });
    let environments: Record<
      string,
      { allowlist: string | null; credentials: Record<string, SnapshotCredential> }
    >;
    try {
      environments = {};
      for (const row of db.prepare('select name, allowlist from vault_environments').all() as {
        name: string;
        allowlist: string | null;
      }[]) {
        environments[row.name] = { allowlist: row.allowlist, credentials: {} };
      }
      const rows = db
        .prepare(
          "select environment, address, username, secret, state, kind from vault_credentials where state != 'deleted'",
        )
        .all() as {
        environment: string;
        address: string;
        username: string;
        secret: string | null;
        state: string;
        kind: string;
      }[];
      for (const row of rows) {
        environments[row.environment] ??= { allowlist: null, credentials: {} };
        environments[row.environment]!.credentials[row.address] = {
          username: row.username,
          secret: row.secret,
          state: row.state,
          kind: row.kind,
        };
      }
    } finally {
      db.close();
    }
    const after = storeSignature(dataDir);
    if (before !== after) continue;
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ v: 1, signature: after, environments } satisfies HelperSnapshot), {
      mode: 0o600,
    });
    fs.renameSync(tmp, target);
    return true;
  }
  fs.rmSync(target, { force: true });
  return false;
}
