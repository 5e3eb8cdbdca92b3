/**
 * Which errors mean "the store cannot be used right now" rather than "this request is wrong":
 * a lost or refused PostgreSQL connection (a restart, `pg_terminate_backend`, a pooler, a
 * failover), a full disk, a failing device, a database file replaced under the process. Such an
 * error becomes 503 (UNAVAILABLE) on every surface, never a 500, and a connection fault makes
 * StoreHealth probe the database until it answers again.
 */

/** Node's socket errors on the way to the database server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** PostgreSQL SQLSTATEs of a server that is going, gone, full or not accepting us. */
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '3D000', '53100']);

const POSTGRES_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|not queryable|not currently accepting connections|the database system is (starting up|shutting down)/i;

/** SQLite result codes (better-sqlite3's `code`) of a store that cannot take writes. */
const SQLITE_CODES = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/;

export type StoreFaultKind = 'connection' | 'disk-full' | 'storage';

/** The kind of store fault `error` is (looking through `cause`), or undefined for any other error. */
export function storeFault(error: unknown): StoreFaultKind | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (code === 'ENOSPC' || code === 'SQLITE_FULL' || code === '53100') return 'disk-full';
      if (SOCKET_CODES.has(code) || code.startsWith('08') || POSTGRES_UNAVAILABLE.has(code))
        return 'connection';
      if (code === '55000' && POSTGRES_MESSAGES.test(e.message)) return 'connection';
      if (SQLITE_CODES.test(code)) return 'storage';
    }
    if (POSTGRES_MESSAGES.test(e.message)) return 'connection';
  }
  return undefined;
}

/** What a client is told about a store fault (no server detail: that goes to the log). */
export function storeFaultMessage(kind: StoreFaultKind): string {
  switch (kind) {
    case 'connection':
      return 'the database is unavailable; retry shortly';
    case 'disk-full':
      return 'the database cannot store data: its disk is full';
    case 'storage':
      return 'the database cannot be used: a storage error (see the server log)';
  }
}
