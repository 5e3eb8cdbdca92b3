/**
 * The SQLite file deleted under a running `purser serve`: readiness fails and writes get 503
 * (they used to be acknowledged into the unlinked file); token requests still work and their
 * audit entries wait in the journal. The next start refuses (exit 2, naming --init) instead of
 * silently creating a new database with a new signing key; `--init` creates one and replays
 * the journal into it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli, startPurser } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const PASSWORD = 'vanish-admin-pw';
const BASIC = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

test('a deleted database: readiness fails, writes 503, restart refused unless --init', async (t) => {
  const dir = tempDir('purser-vanish-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const data = path.join(dir, 'data');
  const port = await freePort();
  fs.writeFileSync(file, `listen: 127.0.0.1:${port}\ndata: ${data}\n`);
  const env = { PURSER_ADMIN_PASSWORD: PASSWORD };
  const server = await startPurser({ configFile: file, env });
  t.after(() => server.stop());
  const post = (name: string) =>
    fetch(`${server.url}/api/v1/groups`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
  assert.equal((await post('before')).status, 201);
  const readyBefore = await fetch(`${server.url}/readyz`);
  assert.equal(readyBefore.status, 200);
  const stats = (await readyBefore.json()) as { audit: { unjournaled: number; lost: number } };
  assert.deepEqual([stats.audit.unjournaled, stats.audit.lost], [0, 0], 'the audit counts are reported');

  for (const suffix of ['', '-wal', '-shm'])
    fs.rmSync(path.join(data, `purser.db${suffix}`), { force: true });

  const ready = await fetch(`${server.url}/readyz`);
  const readyBody = await ready.text();
  assert.equal(ready.status, 503, readyBody);
  assert.match(readyBody, /was deleted/);
  const write = await post('after');
  const writeBody = await write.text();
  assert.equal(write.status, 503, writeBody);
  assert.match(writeBody, /"code":"UNAVAILABLE"/);
  const token = await fetch(`${server.url}/token?service=purser&scope=repository:kept/audit:pull`, {
    headers: { authorization: BASIC },
  });
  assert.equal(token.status, 200, 'tokens are still issued from memory');
  await server.stop();

  const refused = await purserCli(['serve', '--config', file], { env });
  assert.equal(refused.code, 2, describeResult(refused));
  assert.match(refused.stderr, /signing keys \(keys\/\)/);
  assert.match(refused.stderr, /purser serve --init/);
  assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(fs.existsSync(path.join(data, 'purser.db')), false, 'nothing created');

  const fresh = await startPurser({ configFile: file, env, args: ['--init'] });
  await fresh.stop();
  const db = new SQLite(path.join(data, 'purser.db'), { readonly: true });
  try {
    const kept = db
      .prepare(
        `select count(*) as n from audit_log where action = 'token.issue' and details like '%kept/audit%'`,
      )
      .get() as { n: number };
    assert.equal(kept.n, 1, 'the token issued while the database was gone is in the new database');
  } finally {
    db.close();
  }
});

test('--init with --workers: the primary creates the database once, the workers serve it', async (t) => {
  const dir = tempDir('purser-vanish-workers-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const data = path.join(dir, 'data');
  const port = await freePort();
  fs.writeFileSync(file, `listen: 127.0.0.1:${port}\ndata: ${data}\n`);
  const env = { PURSER_ADMIN_PASSWORD: PASSWORD };
  const first = await startPurser({ configFile: file, env });
  await first.stop();
  for (const suffix of ['', '-wal', '-shm'])
    fs.rmSync(path.join(data, `purser.db${suffix}`), { force: true });

  const refused = await purserCli(['serve', '--config', file, '--workers', '2'], { env });
  assert.equal(refused.code, 2, describeResult(refused));
  assert.match(refused.stderr, /purser serve --init/);

  const cluster = await startPurser({ configFile: file, env, args: ['--workers', '2', '--init'] });
  t.after(() => cluster.stop());
  const ready = await fetch(`${cluster.url}/readyz`);
  assert.equal(ready.status, 200, await ready.text());
  const created = await fetch(`${cluster.url}/api/v1/groups`, {
    method: 'POST',
    headers: { authorization: BASIC, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'after-init' }),
  });
  assert.equal(created.status, 201, await created.text());
});
