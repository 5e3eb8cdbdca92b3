/**
 * Opens the store: SQLite (better-sqlite3, WAL) in the data directory by default, PostgreSQL
 * when the configuration names a `postgres://` URL. Dialect differences live in StoreAdapter
 * as capability values, never as scattered `if (sqlite)` checks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Logger } from 'pino';
import { Unavailable } from '../domain/errors.ts';
import { DatabaseFile } from './database-file.ts';
import { migrateToLatest } from './migrations/index.ts';
import { openPostgresPool } from './postgres-pool.ts';
import { kyselyRowWriter, type RowWriter, sqliteRowWriter } from './row-writer.ts';
import type { Database } from './schema.ts';
import { StoreGate } from './store-gate.ts';
import { StoreHealth, type StoreState } from './store-health.ts';

export type { RowWriter };
export { kyselyRowWriter };

export type DialectName = 'sqlite' | 'postgres';

export interface StoreAdapter {
  readonly dialect: DialectName;
  /** Column type for an auto-incrementing integer primary key. */
  readonly serialType: 'integer' | 'bigserial';
  /** Whether `autoIncrement()` must be applied to the serial column (SQLite only). */
  readonly needsAutoIncrement: boolean;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly adapter: StoreAdapter;
  readonly rows: RowWriter;
  /** Whether the store can be used (readiness; queries fail with 503 while it cannot). */
  readonly health: StoreHealth;
  /**
   * SQLite: this connection's `PRAGMA data_version`, which moves only when another connection
   * (another process, a worker, the CLI) commits, never for this connection's own writes: the
   * change feed uses it to tell changes elsewhere from its own audit batches. Undefined on
   * PostgreSQL.
   */
  readonly dataVersion?: (() => number) | undefined;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Data directory; the SQLite file lives here as purser.db. */
  dataDir: string;
  /** A postgres:// URL, or undefined for SQLite. */
  url?: string | undefined;
  /** Open read-only and skip migrations (fast paths such as the credential helper). */
  readonly?: boolean;
  /** Where the store's state changes (away, up, lost) are logged. */
  logger?: Logger | undefined;
  /** Thrown instead of creating the schema in an empty database (a used data directory's store vanished). */
  refuseEmpty?: (() => Error) | undefined;
}

export const SQLITE_ADAPTER: StoreAdapter = Object.freeze({
  dialect: 'sqlite',
  serialType: 'integer',
  needsAutoIncrement: true,
});
export const POSTGRES_ADAPTER: StoreAdapter = Object.freeze({
  dialect: 'postgres',
  serialType: 'bigserial',
  needsAutoIncrement: false,
});

export function sqlitePath(dataDir: string): string {
  return path.join(dataDir, 'purser.db');
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const onChange = (state: StoreState, error?: unknown) => {
    if (state.status === 'up') options.logger?.warn('the database is available again');
    else options.logger?.error({ err: error, reason: state.reason }, `the database is ${state.status}`);
  };
  const handle = options.url
    ? await openPostgres(options.url, onChange)
    : await openSqlite(options.dataDir, options.readonly ?? false, onChange);
  if (!options.readonly) {
    try {
      if (options.refuseEmpty) {
        const tables = await handle.db.introspection.getTables();
        if (!tables.some((t) => t.name === 'purser_migrations')) throw options.refuseEmpty();
      }
      await migrateToLatest(handle.db, handle.adapter);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

type OnChange = (state: StoreState, error?: unknown) => void;

async function openSqlite(dataDir: string, readonly: boolean, onChange: OnChange): Promise<DatabaseHandle> {
  const { default: SQLite } = await import('better-sqlite3');
  if (!readonly) fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = sqlitePath(dataDir);
  const database = new SQLite(file, { readonly, fileMustExist: readonly });
  if (!readonly) {
    database.pragma('journal_mode = WAL');
    fs.chmodSync(file, 0o600);
  }
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  const identity = new DatabaseFile(file);
  const health: StoreHealth = new StoreHealth({
    probe: async () => {
      checkFile();
      database.prepare('select 1').get();
    },
    onChange,
  });
  const checkFile = () => {
    const change = identity.change();
    if (change) health.markLost(change);
  };
  const gate = new StoreGate(health, checkFile);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), plugins: [gate] });
  const dataVersion = database.prepare('pragma data_version').pluck();
  return {
    db,
    adapter: SQLITE_ADAPTER,
    rows: sqliteRowWriter(db, database, gate),
    health,
    dataVersion: () => {
      try {
        return Number(dataVersion.get());
      } catch {
        // A database that cannot answer (gone, closed): take it as a change, and let the reader see.
        return Number.NaN;
      }
    },
    close: async () => {
      health.close();
      await db.destroy();
    },
  };
}

async function openPostgres(url: string, onChange: OnChange): Promise<DatabaseHandle> {
  let opened = false;
  const pool = await openPostgresPool(url, (error) => {
    if (opened) health.reportFailure(error);
  });
  const health: StoreHealth = new StoreHealth({ probe: () => pool.probe(), onChange });
  try {
    await pool.probe();
  } catch (error) {
    await pool.end();
    throw new Unavailable(`cannot connect to PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
  opened = true;
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: pool.pool }),
    plugins: [new StoreGate(health)],
  });
  return {
    db,
    adapter: POSTGRES_ADAPTER,
    rows: kyselyRowWriter(db),
    health,
    close: async () => {
      health.close();
      await db.destroy();
    },
  };
}
