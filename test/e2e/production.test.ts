/**
 * `purser serve` as operators run it: SIGHUP reload (valid applied, invalid refused with the
 * same path: message lines), a change by the CLI seen at once by the server, JSON log lines
 * without duplicate keys, graceful shutdown finishing a request in flight, and --workers with a
 * dead worker restarted.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../support/ports.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli, startPurser } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const tokenStatus = async (url: string, user: string, password: string) => {
  const response = await fetch(`${url}/token?service=registry.test&scope=repository:team/web:pull`, {
    headers: { authorization: basic(user, password) },
  });
  await response.arrayBuffer();
  return response.status;
};

/** The top-level keys of a JSON object text, in order, duplicates kept (JSON.parse drops them). */
export function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      expectKey = false;
      i = j;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = c === '{' && depth === 1;
    } else if (c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 1) expectKey = true;
  }
  return keys;
}

const BASE = (port: number, data: string) => `listen: 127.0.0.1:${port}
data: ${data}
registries:
  - { service: registry.test, url: "http://127.0.0.1:9", publications: [dev] }
`;

test('SIGHUP applies a valid file and refuses an invalid one; JSON logs; SIGTERM finishes the request in flight', async (t) => {
  const dir = tempDir('purser-reload-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const port = await freePort();
  const base = BASE(port, path.join(dir, 'data'));
  fs.writeFileSync(file, `${base}users:\n  - { name: alice, password: alice-pw, groups: [dev] }\n`, {
    mode: 0o600,
  });
  const server = await startPurser({ configFile: file, env: { PURSER_ADMIN_PASSWORD: 'admin-pw' } });
  t.after(() => server.stop());
  assert.equal(await tokenStatus(server.url, 'alice', 'alice-pw'), 200);
  assert.equal(await tokenStatus(server.url, 'bob', 'bob-pw'), 401);

  fs.writeFileSync(
    file,
    `${base}users:\n  - { name: alice, password: alice-pw, groups: [dev] }\n  - { name: bob, password: bob-pw, groups: [dev] }\n`,
  );
  let from = server.logs().length;
  process.kill(server.pid(), 'SIGHUP');
  await server.waitForLog(/purser: configuration reloaded/, { from });
  assert.equal(await tokenStatus(server.url, 'bob', 'bob-pw'), 200, 'the new user logs in without a restart');

  fs.writeFileSync(file, `${base}users:\n  - { name: "42", colour: red }\n`);
  from = server.logs().length;
  process.kill(server.pid(), 'SIGHUP');
  await server.waitForLog(/reload refused, the running configuration stays/, { from });
  const refused = server.logs().slice(from);
  assert.match(refused, /^ {2}users\[0\]\.colour: unknown key/m, 'the same path: message lines as at start');
  assert.doesNotMatch(refused, /\n\s+at /, 'no stack trace');
  assert.equal(await tokenStatus(server.url, 'bob', 'bob-pw'), 200, 'the running configuration stays');
  assert.equal(server.exitStatus(), undefined, 'still running');

  // A request in flight when SIGTERM comes: its body arrives after the signal, it is answered.
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const body = 'grant_type=password&service=registry.test&username=alice&password=alice-pw';
  socket.write(
    `POST /token HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body.slice(0, 10)}`,
  );
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk.toString();
  });
  const ended = new Promise((resolve) => socket.once('close', resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  from = server.logs().length;
  process.kill(server.pid(), 'SIGTERM');
  await server.waitForLog(/SIGTERM received, shutting down/, { from });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(server.exitStatus(), undefined, 'waits for the request in flight');
  socket.write(body.slice(10));
  await ended;
  assert.match(answer, /^HTTP\/1\.1 200 /, answer);
  assert.match(answer, /"access_token":"/);
  await server.stop();
  assert.equal(server.exitStatus()?.code, 0, server.logs().slice(-2000));

  // stdout is not a terminal: the log lines are JSON, each key once.
  const jsonLines = server
    .logs()
    .split('\n')
    .filter((line) => line.startsWith('{'));
  assert.ok(
    jsonLines.some((line) => /"msg":"purser listening"/.test(line)),
    'the listening line is a JSON log line',
  );
  for (const line of jsonLines) {
    const keys = topLevelKeys(line);
    assert.deepEqual(keys, [...new Set(keys)], `duplicate key in ${line}`);
    assert.doesNotThrow(() => JSON.parse(line));
  }
});

test('robot add by the CLI, then an immediate login against the running server succeeds', async (t) => {
  const dir = tempDir('purser-change-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const port = await freePort();
  fs.writeFileSync(file, BASE(port, path.join(dir, 'data')), { mode: 0o600 });
  const server = await startPurser({ configFile: file, env: { PURSER_ADMIN_PASSWORD: 'admin-pw' } });
  t.after(() => server.stop());
  for (const name of ['ci+first', 'ci+second']) {
    const added = await purserCli(['robot', 'add', name, '--repository', 'team/*', '--permission', 'read'], {
      env: { PURSER_CONFIG: file },
    });
    assert.equal(added.code, 0, describeResult(added));
    // No wait: the login comes the moment the CLI has exited.
    assert.equal(await tokenStatus(server.url, name, added.stdout.trim()), 200, name);
  }
});

test('--workers 2: one port, a dead worker is restarted and logged, changes reach every worker', async (t) => {
  const dir = tempDir('purser-workers-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const port = await freePort();
  fs.writeFileSync(file, `${BASE(port, path.join(dir, 'data'))}shutdown_grace: 2\n`, { mode: 0o600 });
  const server = await startPurser({
    configFile: file,
    args: ['--workers', '2'],
    env: { PURSER_ADMIN_PASSWORD: 'admin-pw' },
    startTimeoutMs: 60_000,
  });
  t.after(() => server.stop());
  await server.waitForLog(/2 workers listening/, { timeoutMs: 60_000 });
  const first = await server.waitForLog(/worker 0 started \(pid (\d+)\), runs the background jobs/);
  await server.waitForLog(/worker 1 started \(pid \d+\)/);
  const added = await purserCli(['robot', 'add', 'ci+w', '--repository', 'team/*', '--permission', 'read'], {
    env: { PURSER_CONFIG: file },
  });
  assert.equal(added.code, 0, describeResult(added));
  // Fresh connections, so the cluster hands them to both workers.
  for (let i = 0; i < 6; i++) assert.equal(await tokenStatus(server.url, 'ci+w', added.stdout.trim()), 200);

  const from = server.logs().length;
  process.kill(Number(first[1]), 'SIGKILL');
  await server.waitForLog(new RegExp(`worker 0 \\(pid ${first[1]}\\) died \\(SIGKILL\\); restarting it`), {
    from,
  });
  const again = await server.waitForLog(/worker 0 started \(pid (\d+)\)/, { from, timeoutMs: 60_000 });
  assert.notEqual(again[1], first[1]);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  await server.stop();
  assert.equal(server.exitStatus()?.code, 0, server.logs().slice(-2000));
});

test('--workers 2 on PostgreSQL: a robot added by the CLI logs in at once on every worker', async (t) => {
  if (!(await requirePostgres(t))) return;
  const database = await createTestDatabase();
  const dir = tempDir('purser-workers-pg-');
  t.after(async () => {
    await database.drop();
    removeTempDir(dir);
  });
  const file = path.join(dir, 'purser.yaml');
  const port = await freePort();
  fs.writeFileSync(file, `${BASE(port, path.join(dir, 'data'))}database: ${database.url}\n`, { mode: 0o600 });
  const server = await startPurser({
    configFile: file,
    args: ['--workers', '2'],
    env: { PURSER_ADMIN_PASSWORD: 'admin-pw' },
    startTimeoutMs: 60_000,
  });
  t.after(() => server.stop());
  await server.waitForLog(/2 workers listening/, { timeoutMs: 60_000 });
  const added = await purserCli(['robot', 'add', 'ci+pg', '--repository', 'team/*', '--permission', 'read'], {
    env: { PURSER_CONFIG: file },
  });
  assert.equal(added.code, 0, describeResult(added));
  for (let i = 0; i < 6; i++) assert.equal(await tokenStatus(server.url, 'ci+pg', added.stdout.trim()), 200);
  await server.stop();
  assert.equal(server.exitStatus()?.code, 0, server.logs().slice(-2000));
});
