/**
 * Throwaway PostgreSQL databases for the store's per-dialect tests. The server is the one
 * scripts/install-test-deps.sh makes sure of: postgres://postgres@127.0.0.1:5432, trust auth.
 * PURSER_TEST_PG_URL overrides the admin URL.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function adminUrl(): string {
  return process.env.PURSER_TEST_PG_URL ?? DEFAULT_ADMIN_URL;
}

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  name: string;
  /**
   * Drops the database. Close your connections first; ones still open after 2 s are terminated.
   * Safe to call twice.
   */
  drop(): Promise<void>;
}

/** True when the PostgreSQL server answers a query within 3 s. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Like requireBinary for PostgreSQL: true when it answers; otherwise throws under CI and skips
 * (printing why) elsewhere.
 */
export async function requirePostgres(t: TestContext): Promise<boolean> {
  if (await postgresAvailable()) return true;
  const reason = `PostgreSQL not reachable at ${redact(adminUrl())}: run scripts/install-test-deps.sh`;
  if (process.env.CI) throw new Error(`${reason} (CI is set, so this fails instead of skipping)`);
  process.stderr.write(`# skip ${t.name}: ${reason}\n`);
  t.skip(reason);
  return false;
}

/** Creates `purser_test_<pid>_<random>` and returns its URL. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `purser_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(async (client) => {
        // Give connections that are closing a moment to go; terminating them at once would crash
        // a caller whose pool has no 'error' listener. (A plain DROP would block 5 s per try.)
        const deadline = Date.now() + 2_000;
        while (Date.now() < deadline) {
          const { rows } = await client.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (rows[0]?.n === '0') break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      });
    },
  };
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}
