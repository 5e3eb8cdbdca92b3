/**
 * The store suite runs against every dialect: SQLite in a temp data directory and a fresh
 * PostgreSQL database. Also: several replicas on one PostgreSQL agree on users, keys and
 * refresh tokens.
 */
import assert from 'node:assert/strict';
import { after, describe, type TestContext, test } from 'node:test';
import { openRuntime } from '../../src/app/compose.ts';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { hashPassword } from '../../src/identity/password.ts';
import { buildApp } from '../../src/server/app.ts';
import { readModelVersion, readSnapshot } from '../../src/store/access-store.ts';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.ts';
import { RefreshTokenStore } from '../../src/store/refresh-token-store.ts';
import { modelWriters } from '../../src/store/writers/model-writers.ts';
import { KeyStore } from '../../src/token/key-store.ts';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../support/postgres.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

interface Dialect {
  readonly name: 'sqlite' | 'postgres';
  open(t: TestContext): Promise<{ handle: DatabaseHandle; dataDir: string; url?: string } | undefined>;
}

const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const DIALECTS: readonly Dialect[] = [
  {
    name: 'sqlite',
    async open() {
      const dataDir = tempDir('purser-store-');
      cleanups.push(() => removeTempDir(dataDir));
      const handle = await openDatabase({ dataDir });
      cleanups.push(() => handle.close());
      return { handle, dataDir };
    },
  },
  {
    name: 'postgres',
    async open(t) {
      if (!(await requirePostgres(t))) return undefined;
      const database = await createTestDatabase();
      cleanups.push(() => database.drop());
      const dataDir = tempDir('purser-store-pg-');
      cleanups.push(() => removeTempDir(dataDir));
      const handle = await openDatabase({ dataDir, url: database.url });
      cleanups.push(() => handle.close());
      return { handle, dataDir, url: database.url };
    },
  },
];

const box = new SecretBox([Buffer.alloc(32, 7)]);

for (const dialect of DIALECTS.filter(
  (d) => !process.env.DIALECTS || process.env.DIALECTS.split(',').includes(d.name),
)) {
  describe(`store on ${dialect.name}`, () => {
    test('migrations are idempotent and the model round-trips', async (t) => {
      const opened = await dialect.open(t);
      if (!opened) return;
      const { handle, dataDir } = opened;
      // A second open runs the migrations again: nothing to do, no error.
      const again = await openDatabase({ dataDir, url: opened.url });
      await again.close();

      const writers = modelWriters(handle.db);
      const before = await readModelVersion(handle.db);
      await writers.groups.upsert('dev', 10);
      await writers.users.upsert({
        name: 'alice',
        id: 1,
        passwordHash: await hashPassword('pw'),
        groups: ['dev', 'ops'],
        privileges: ['DockerRegistriesPuller'],
      });
      await writers.apps.upsert({ name: 'shop', id: 20, publications: ['dev'], responsibles: ['ops'] });
      await writers.services.upsert({ name: 'node1.example.com', app: 'shop', secretHash: 'sha256$x$y' });
      await writers.robots.upsert({
        name: 'ci+builder',
        secretHash: 'sha256$a$b',
        repositories: ['team/*'],
        permission: 'write',
        expiresAt: Date.UTC(2027, 11, 31),
      });
      await writers.registries.upsert({
        service: 'registry.test',
        url: 'http://127.0.0.1:5000',
        restricted: true,
        publications: ['dev'],
        responsibles: ['ops'],
      });
      assert.ok((await readModelVersion(handle.db)) > before, 'every change bumps the model version');

      const snapshot = await readSnapshot(handle.db, 'private');
      const alice = snapshot.users.find((u) => u.name === 'alice');
      const dev = snapshot.groups.find((g) => g.name === 'dev');
      const ops = snapshot.groups.find((g) => g.name === 'ops');
      assert.equal(dev?.id, 10);
      assert.ok(ops && ops.id !== 10, 'groups named but not declared are created with a fresh id');
      assert.deepEqual(alice?.groups, [10, ops.id], 'group order is kept: the first is primary');
      assert.deepEqual(alice?.privileges, ['DockerRegistriesPuller']);
      assert.equal(snapshot.apps[0]?.publications[0], 10);
      assert.equal(snapshot.services[0]?.appId, 20);
      assert.equal(snapshot.robots[0]?.expiresAt, Date.UTC(2027, 11, 31));
      assert.deepEqual(snapshot.robots[0]?.repositories, ['team/*']);
      const registry = snapshot.registries[0];
      assert.equal(registry?.restricted, true);
      assert.deepEqual(registry?.responsibles, [ops.id]);
      assert.equal(snapshot.credentials.get('alice')?.kind, 'user');
      assert.equal(snapshot.credentials.get('ci+builder')?.kind, 'robot');

      await assert.rejects(writers.users.upsert({ name: '1234' }), /all digits/);
      await assert.rejects(
        writers.services.upsert({ name: 'alice', secretHash: 'x' }),
        /already used by a user/,
      );
      await assert.rejects(writers.users.upsert({ name: 'bob', id: 1 }), /already taken/);
      await assert.rejects(writers.users.delete('nobody'), /no user named/);
    });

    test('refresh tokens survive and die with the credential', async (t) => {
      const opened = await dialect.open(t);
      if (!opened) return;
      const { handle } = opened;
      const writers = modelWriters(handle.db);
      await writers.users.upsert({ name: 'carol', passwordHash: await hashPassword('one') });
      const tokens = new RefreshTokenStore(handle.db);
      const token = await tokens.create({
        principalKind: 'user',
        principalName: 'carol',
        principalId: 'carol-id',
        credentialVersion: 1,
        service: 'registry.test',
        clientId: 'docker',
      });
      const found = await tokens.find(token);
      assert.equal(found?.principalName, 'carol');
      assert.equal(await tokens.find(`${token}x`), undefined);
      const stored = await handle.db.selectFrom('refresh_tokens').select('token_hash').execute();
      assert.ok(
        stored.every((row) => row.token_hash !== token),
        'only a hash is stored',
      );
      await writers.users.upsert({ name: 'carol', passwordHash: await hashPassword('two') });
      assert.equal(
        await new RefreshTokenStore(handle.db).find(token),
        undefined,
        'a password change deletes refresh tokens from the store',
      );
      // A lookup cached before the change still carries the old credential version, which the
      // token endpoint compares with the live model.
      assert.equal((await tokens.find(token))?.credentialVersion, 1);
      const snapshot = await readSnapshot(handle.db, 'private');
      assert.equal(snapshot.credentials.get('carol')?.credentialVersion, 2);
    });

    test('signing keys are sealed, rotate, and keep two live', async (t) => {
      const opened = await dialect.open(t);
      if (!opened) return;
      const { handle, dataDir } = opened;
      const keys = new KeyStore(handle.db, box, dataDir);
      const first = await keys.ring();
      const again = await keys.ring();
      assert.equal(again.signer.kid, first.signer.kid, 'the first key is created once');
      const row = await handle.db.selectFrom('signing_keys').select('private_key').executeTakeFirstOrThrow();
      assert.ok(!row.private_key.includes('PRIVATE KEY'), 'private keys are sealed at rest');
      const second = await keys.rotate();
      const ring = await keys.ring();
      assert.equal(ring.signer.kid, second.kid);
      assert.deepEqual(
        ring.published.map((k) => k.kid),
        [second.kid, first.signer.kid],
      );
      await keys.rotate();
      const third = await keys.ring();
      assert.equal(third.published.length, 2, 'two live keys at most');
      assert.ok(!third.published.some((k) => k.kid === first.signer.kid), 'the oldest key is retired');
      const staged = await keys.rotate({ stage: true });
      const stagedRing = await keys.ring();
      assert.notEqual(stagedRing.signer.kid, staged.kid, 'a staged key is published but does not sign');
      assert.ok(stagedRing.published.some((k) => k.kid === staged.kid));
      const promoted = await keys.rotate();
      assert.equal(promoted.kid, staged.kid, 'the next rotation promotes the staged key');
    });
  });
}

test('replicas on one PostgreSQL agree on users, keys and refresh tokens', async (t) => {
  if (!(await requirePostgres(t))) return;
  const database: TestDatabase = await createTestDatabase();
  cleanups.push(() => database.drop());
  const dirs = [tempDir('purser-replica-a-'), tempDir('purser-replica-b-')];
  for (const dir of dirs) cleanups.push(() => removeTempDir(dir));
  const env = { PURSER_MASTER_KEY: Buffer.alloc(32, 3).toString('base64') };
  const saved = process.env.PURSER_MASTER_KEY;
  process.env.PURSER_MASTER_KEY = env.PURSER_MASTER_KEY;
  t.after(() => {
    if (saved === undefined) delete process.env.PURSER_MASTER_KEY;
    else process.env.PURSER_MASTER_KEY = saved;
  });
  const options = {
    databaseUrl: database.url,
    publicUrl: 'http://127.0.0.1:1',
    mode: 'private' as const,
    issuer: 'purser',
    lifetime: 300,
  };
  // Both replicas start at once: migrations serialize, one key is created.
  const [a, b] = await Promise.all([
    openRuntime({ ...options, dataDir: dirs[0]! }),
    openRuntime({ ...options, dataDir: dirs[1]! }),
  ]);
  cleanups.push(() => a.close());
  cleanups.push(() => b.close());
  await a.authority.refresh();
  await b.authority.refresh();
  assert.equal(a.authority.issuer.kid, b.authority.issuer.kid, 'both replicas sign with the same key');

  const writers = modelWriters(a.db);
  await writers.registries.upsert({
    service: 'registry.test',
    url: 'http://127.0.0.1:5000',
    publications: ['dev'],
    responsibles: ['dev'],
  });
  await writers.users.upsert({
    name: 'alice',
    passwordHash: await hashPassword('alice-pw'),
    groups: ['dev'],
    privileges: ['DockerRegistriesPuller'],
  });
  await b.authority.refresh();
  assert.ok(b.authority.credential('alice'), 'replica B sees a user created through replica A');

  const appA = await buildApp({ runtime: a });
  const appB = await buildApp({ runtime: b });
  cleanups.push(() => appA.close());
  cleanups.push(() => appB.close());
  await a.authority.refresh();
  const basic = `Basic ${Buffer.from('alice:alice-pw').toString('base64')}`;
  const login = await appA.inject({
    method: 'GET',
    url: '/token?service=registry.test&offline_token=true&client_id=docker',
    headers: { authorization: basic },
  });
  assert.equal(login.statusCode, 200, login.body);
  const refreshToken = login.json().refresh_token as string;
  assert.ok(refreshToken);
  const refreshed = await appB.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `grant_type=refresh_token&refresh_token=${refreshToken}&service=registry.test&client_id=docker&scope=repository:team/app:pull`,
  });
  assert.equal(refreshed.statusCode, 200, refreshed.body);
  assert.equal(refreshed.json().refresh_token, refreshToken, 'a refresh returns the same refresh token');

  const rotated = await a.authority.keys.rotate();
  await b.authority.refresh();
  assert.equal(b.authority.issuer.kid, rotated.kid, 'replica B signs with the rotated key after its refresh');
});
