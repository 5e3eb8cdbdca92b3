/**
 * Changes made in one process reach another at once, without waiting for the slow poll
 * (10 s): on PostgreSQL through LISTEN/NOTIFY between two replicas, on SQLite through the file
 * watch between two processes on one data directory. A disabled user is refused by the other
 * process within a second (a refusal never goes through the login's catch-up on a miss), and a
 * robot created on one is accepted by the other at once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from '../../src/config/load.ts';
import { type RunningServer, startServer } from '../../src/server/serve.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

// Read by the composition from the process environment: one master key for both replicas.
process.env.PURSER_ADMIN_PASSWORD = 'admin-pw';
process.env.PURSER_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const ADMIN = basic('admin', 'admin-pw');

async function tokenStatus(server: RunningServer, user: string, password: string): Promise<number> {
  const response = await fetch(`${server.url}/token?service=registry.test`, {
    headers: { authorization: basic(user, password) },
  });
  await response.arrayBuffer();
  return response.status;
}

async function admin(server: RunningServer, method: string, path: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what}: not within ${ms} ms`);
}

async function twoProcesses(dataA: string, dataB: string, database: string | undefined) {
  const config = (data: string) =>
    parseConfig(
      `listen: 127.0.0.1:0\ndata: ${data}\n${database ? `database: ${database}\n` : ''}users:\n  - { name: carol, password: carol-pw }\nregistries:\n  - { service: registry.test, url: "http://127.0.0.1:9" }\n`,
      undefined,
      {},
    );
  const a = await startServer(config(dataA), { announce: () => {} });
  const b = await startServer(config(dataB), { announce: () => {}, backgroundJobs: false });
  return { a, b };
}

async function changesReachTheOther(a: RunningServer, b: RunningServer): Promise<void> {
  assert.equal(await tokenStatus(b, 'carol', 'carol-pw'), 200);
  const disabled = await admin(a, 'PATCH', '/api/v1/users/carol', { disabled: true });
  assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
  await within(
    1_500,
    'the other process refuses the disabled user',
    async () => (await tokenStatus(b, 'carol', 'carol-pw')) === 401,
  );
  const robot = await admin(a, 'POST', '/api/v1/robots', {
    name: 'ci+feed',
    repositories: ['team/*'],
    permission: 'read',
  });
  assert.equal(robot.status, 201, JSON.stringify(robot.body));
  assert.equal(
    await tokenStatus(b, 'ci+feed', robot.body.secret as string),
    200,
    'a new robot logs in at once',
  );
}

test('PostgreSQL: LISTEN/NOTIFY between two replicas', async (t) => {
  if (!(await requirePostgres(t))) return;
  const database = await createTestDatabase();
  const dir = tempDir('purser-feed-pg-');
  const { a, b } = await twoProcesses(`${dir}/a`, `${dir}/b`, database.url);
  t.after(async () => {
    await a.close();
    await b.close();
    await database.drop();
    removeTempDir(dir);
  });
  await changesReachTheOther(a, b);
});

test('SQLite: the file watch between two processes on one data directory', async (t) => {
  const dir = tempDir('purser-feed-sqlite-');
  const { a, b } = await twoProcesses(`${dir}/data`, `${dir}/data`, undefined);
  t.after(async () => {
    await a.close();
    await b.close();
    removeTempDir(dir);
  });
  await changesReachTheOther(a, b);
});
