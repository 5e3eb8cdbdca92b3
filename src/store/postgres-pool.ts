/**
 * The PostgreSQL connection pool, made to survive the server going away. pg's pool emits
 * 'error' when an idle connection is terminated (`pg_terminate_backend`, a restart, a pooler,
 * a failover) and a client emits it when its connection breaks while checked out; an 'error'
 * event without a listener ends the process, which is how two replicas once exited within 2 s.
 * Here every such event, and every failed attempt to connect, goes to `onFault` (StoreHealth,
 * which probes until the server answers), and the pool replaces broken connections on demand.
 */
import type { PostgresPool } from 'kysely';
import type pg from 'pg';

export interface PostgresPoolHandle {
  /** The pool Kysely uses: connecting failures are reported before they are rethrown. */
  readonly pool: PostgresPool;
  /** `select 1` on a fresh or idle connection, below the query gate (StoreHealth's probe). */
  probe(): Promise<void>;
  end(): Promise<void>;
}

export async function openPostgresPool(
  url: string,
  onFault: (error: unknown) => void,
): Promise<PostgresPoolHandle> {
  const { default: pgModule } = await import('pg');
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      // int8 (bigint/bigserial) as a JS number: our ids and epoch values fit in 2^53.
      if (oid === 20) return (value: string) => Number(value);
      return pgModule.types.getTypeParser(oid, format);
    },
  };
  const pool: pg.Pool = new pgModule.Pool({
    connectionString: url,
    max: 10,
    types,
    // A server that does not answer must not hold requests for minutes.
    connectionTimeoutMillis: 5_000,
  });
  pool.on('error', onFault);
  pool.on('connect', (client) => client.on('error', onFault));
  let ended = false;
  return {
    pool: {
      async connect() {
        try {
          return await pool.connect();
        } catch (error) {
          if (!ended) onFault(error);
          throw error;
        }
      },
      end: () => pool.end(),
    },
    async probe() {
      const client = await pool.connect();
      try {
        await client.query('select 1');
        client.release();
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    },
    async end() {
      ended = true;
      await pool.end();
    },
  };
}
