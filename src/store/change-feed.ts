/**
 * Push notification that the store changed, so every process (the workers of one server, the
 * replicas on one PostgreSQL, a server beside the CLI) picks up a change at once instead of at
 * the next poll. SQLite: a file watch on the database and its WAL in the data directory (every
 * committed write touches the WAL). PostgreSQL: LISTEN on CHANGE_CHANNEL, which writers NOTIFY
 * after a commit (`announceChange`). Either may miss an event (a dropped connection, a file
 * system without inotify), so callers keep a slow poll as the safety net.
 */
import fs from 'node:fs';
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

export const CHANGE_CHANNEL = 'purser_changes';
/** Events closer together than this are delivered once (a transaction writes several times). */
const COALESCE_MS = 10;

export interface ChangeFeedOptions {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  /** Called after a change elsewhere (possibly also after one of this process's own). */
  readonly onChange: () => void;
  readonly onError?: (error: unknown) => void;
  /**
   * SQLite (DatabaseHandle.dataVersion): a file event is delivered only when this moved, that
   * is when another connection committed. This process's own writes touch the WAL too — the
   * audit batches, many times a second under token load — and each used to cost a check of the
   * model version and the key ring. Its own model changes it announces itself (ModelChanges).
   */
  readonly dataVersion?: (() => number) | undefined;
}

export interface ChangeFeed {
  readonly kind: 'file-watch' | 'listen-notify' | 'none';
  close(): Promise<void>;
}

export async function openChangeFeed(options: ChangeFeedOptions): Promise<ChangeFeed> {
  let timer: NodeJS.Timeout | undefined;
  const probe = options.databaseUrl ? undefined : options.dataVersion;
  let seen = probe?.();
  const changed = () => {
    timer ??= setTimeout(() => {
      timer = undefined;
      if (probe) {
        const now = probe();
        if (now === seen) return;
        seen = now;
      }
      options.onChange();
    }, COALESCE_MS);
  };
  const feed = options.databaseUrl
    ? await listenNotify(options.databaseUrl, changed, options.onError)
    : watchFiles(options.dataDir, changed, options.onError);
  return {
    kind: feed.kind,
    async close() {
      clearTimeout(timer);
      await feed.close();
    },
  };
}

/** NOTIFY the other processes on PostgreSQL after a committed change (a no-op on SQLite). */
export async function announceChange(db: Kysely<Database>, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_notify(${CHANGE_CHANNEL}, '')`.execute(db);
}

function watchFiles(dataDir: string, changed: () => void, onError?: (error: unknown) => void): ChangeFeed {
  let watcher: fs.FSWatcher;
  try {
    watcher = fs.watch(dataDir, { persistent: false }, (_event, name) => {
      if (name === null || name.startsWith('purser.db')) changed();
    });
  } catch (error) {
    onError?.(error);
    return { kind: 'none', close: async () => {} };
  }
  watcher.on('error', (error) => onError?.(error));
  return {
    kind: 'file-watch',
    async close() {
      watcher.close();
    },
  };
}

async function listenNotify(
  url: string,
  changed: () => void,
  onError?: (error: unknown) => void,
): Promise<ChangeFeed> {
  const pg = await import('pg');
  let closed = false;
  let client: InstanceType<typeof pg.default.Client> | undefined;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    const next = new pg.default.Client({ connectionString: url });
    next.on('notification', () => changed());
    next.on('error', (error) => {
      onError?.(error);
      reconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${CHANGE_CHANNEL}`);
    client = next;
    // Whatever happened while it was not listening.
    changed();
  };
  const reconnect = () => {
    const old = client;
    client = undefined;
    void old?.end().catch(() => {});
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((error: unknown) => {
        onError?.(error);
        reconnect();
      });
    }, 1_000);
    retry.unref();
  };
  try {
    await connect();
  } catch (error) {
    onError?.(error);
    reconnect();
  }
  return {
    kind: 'listen-notify',
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
