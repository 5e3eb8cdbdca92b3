/** The harness helpers themselves: binaries, ports, processes, OCI layouts, PostgreSQL databases. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import pg from 'pg';
import { findBinary, hasBinary, requireBinary } from '../support/binaries.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { freePort } from '../support/ports.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres.ts';
import { run, spawnLogged } from '../support/proc.ts';
import { listenUrl } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const MISSING = 'purser-no-such-binary-7f3a';

test('hasBinary finds sh on PATH and sbin binaries, not made-up names', () => {
  assert.equal(hasBinary('sh'), true);
  assert.match(findBinary('sh') ?? '', /\/sh$/);
  assert.equal(hasBinary(MISSING), false);
  const sbin = readdirSync('/usr/sbin').find(
    (name) => hasBinary(name) && findBinary(name)?.startsWith('/usr/sbin/'),
  );
  assert.ok(sbin, 'no executable in /usr/sbin to test with');
  const savedPath = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    assert.equal(findBinary(sbin), `/usr/sbin/${sbin}`);
    assert.equal(hasBinary('sh'), false);
  } finally {
    process.env.PATH = savedPath;
  }
});

test('requireBinary throws under CI when the binary is missing', (t) => {
  const saved = process.env.CI;
  process.env.CI = '1';
  try {
    assert.throws(
      () => requireBinary(t, MISSING),
      /purser-no-such-binary-7f3a.*scripts\/install-test-deps\.sh/,
    );
    assert.equal(requireBinary(t, 'sh'), true);
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});

test('requireBinary skips without CI when the binary is missing', () => {
  const saved = process.env.CI;
  delete process.env.CI;
  // A stand-in context, so this suite itself reports no skipped test.
  const skips: (string | undefined)[] = [];
  const context = {
    name: 'stand-in',
    skip: (message?: string) => skips.push(message),
  } as unknown as TestContext;
  try {
    assert.equal(requireBinary(context, MISSING), false);
    assert.deepEqual(skips, [`${MISSING} not installed: run scripts/install-test-deps.sh`]);
    assert.equal(requireBinary(context, 'sh'), true);
    assert.equal(skips.length, 1);
  } finally {
    if (saved !== undefined) process.env.CI = saved;
  }
});

test('freePort returns a port that can be bound on 127.0.0.1', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65_536);
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  await new Promise((resolve) => server.close(resolve));
});

test('run reports exit codes, stdin and timeouts without throwing', async () => {
  const ok = await run('sh', ['-c', 'read line; echo "got $line"; echo err >&2; exit 3'], {
    input: 'hello\n',
  });
  assert.deepEqual([ok.code, ok.stdout, ok.stderr, ok.timedOut], [3, 'got hello\n', 'err\n', false]);
  const env = await run('sh', ['-c', 'echo "$PURSER_X"'], { env: { PURSER_X: 'y' } });
  assert.equal(env.stdout, 'y\n');
  const started = Date.now();
  const slow = await run('sleep', ['20'], { timeoutMs: 200 });
  assert.equal(slow.timedOut, true);
  assert.equal(slow.signal, 'SIGTERM');
  assert.equal(slow.code, 143);
  assert.match(slow.stderr, /killed after 200 ms timeout/);
  assert.ok(Date.now() - started < 5_000);
  await assert.rejects(run(MISSING, []), /cannot run/);
});

test('spawnLogged waits for log lines, notices early exits and stops process groups', async () => {
  const dir = tempDir();
  const logFile = join(dir, 'out.log');
  const daemon = spawnLogged(
    'sh',
    ['-c', 'echo starting; sleep 0.2; echo "listening on 1234"; sleep 60 & wait'],
    {
      logFile,
    },
  );
  const match = await daemon.waitForLog(/listening on (\d+)/, { timeoutMs: 5_000 });
  assert.equal(match[1], '1234');
  assert.match(readFileSync(logFile, 'utf8'), /starting\nlistening on 1234/);
  assert.equal(daemon.running(), true);
  await daemon.stop();
  assert.equal(daemon.running(), false);
  // Zombies (state Z) are dead; some init processes reap them late.
  const ps = await run('ps', ['-eo', 'pgid=,stat=,args=']);
  const alive = ps.stdout.split('\n').filter((line) => {
    const [pgid, stat] = line.trim().split(/\s+/);
    return pgid === String(daemon.pid) && !stat?.startsWith('Z');
  });
  assert.deepEqual(alive, [], 'the sleep child must be killed with its group');

  assert.throws(() => spawnLogged(MISSING, []), /cannot start purser-no-such-binary-7f3a/);
  const crash = spawnLogged('sh', ['-c', 'echo boom >&2; exit 7']);
  await assert.rejects(crash.waitForLog(/never/, { timeoutMs: 5_000 }), /exited \(code 7.*\n[\s\S]*boom/);
});

test('makeOciImage is deterministic and keeps other tags', async () => {
  const dir = tempDir();
  const a = await makeOciImage(join(dir, 'a'), 'v1', 'same text');
  const b = await makeOciImage(join(dir, 'b'), 'v1', 'same text');
  const c = await makeOciImage(join(dir, 'a'), 'v2', 'other text');
  assert.deepEqual({ ...a, ref: '' }, { ...b, ref: '' });
  assert.equal(a.ref, `oci:${join(dir, 'a')}:v1`);
  assert.notEqual(c.manifestDigest, a.manifestDigest);
  assert.notEqual(c.layerDigest, a.layerDigest);
  assert.notEqual(c.configDigest, a.configDigest);
  const index = JSON.parse(readFileSync(join(dir, 'a', 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations: Record<string, string> }[];
  };
  assert.deepEqual(
    index.manifests.map((m) => [m.annotations['org.opencontainers.image.ref.name'], m.digest]),
    [
      ['v1', a.manifestDigest],
      ['v2', c.manifestDigest],
    ],
  );
  for (const digest of [a.manifestDigest, a.configDigest, a.layerDigest]) {
    assert.ok(existsSync(join(dir, 'a', 'blobs', 'sha256', digest.slice(7))), digest);
  }
});

test('makeOciImage layouts are read by skopeo', async (t) => {
  if (!requireBinary(t, 'skopeo')) return;
  const image = await makeOciImage(join(tempDir(), 'oci'), 'latest', 'for skopeo');
  const inspect = await run('skopeo', ['inspect', image.ref]);
  assert.equal(inspect.code, 0, inspect.stderr);
  const info = JSON.parse(inspect.stdout) as { Digest: string; Layers: string[] };
  assert.equal(info.Digest, image.manifestDigest);
  assert.deepEqual(info.Layers, [image.layerDigest]);
});

test('listenUrl reads the listen key of a Purser config', () => {
  const dir = tempDir();
  const file = join(dir, 'purser.yaml');
  writeFileSync(file, 'listen: 127.0.0.1:15001\n');
  assert.equal(listenUrl(file), 'http://127.0.0.1:15001');
  writeFileSync(file, "listen: '[::1]:15002'\n");
  assert.equal(listenUrl(file), 'http://[::1]:15002');
  writeFileSync(file, 'mode: private\n');
  assert.equal(listenUrl(file), 'http://127.0.0.1:5001');
});

test('createTestDatabase creates a usable database and drops it', async (t) => {
  if (!(await requirePostgres(t))) return;
  const db = await createTestDatabase();
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>('select current_database() as name');
    assert.equal(rows[0]?.name, db.name);
  } finally {
    await client.end();
  }
  await db.drop();
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [db.name]);
    assert.equal(rowCount, 0);
  } finally {
    await admin.end();
  }
});
