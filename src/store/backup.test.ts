import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import * as tar from 'tar';
import { loadSecretBox } from '../crypto/master-key.ts';
import { BACKUP_MANIFEST, backup, POSTGRES_BACKUP_ADVICE, readManifest, restore } from './backup.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { newPrincipalId } from './principal-id.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-backup-test-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));
let counter = 0;
const fresh = (name: string) => path.join(work, `${name}-${++counter}`);

async function addUser(handle: DatabaseHandle, id: number): Promise<void> {
  const now = Date.now();
  await handle.db
    .insertInto('users')
    .values({
      id,
      name: `user${id}`,
      password_hash: null,
      privileges: '[]',
      admin: 0,
      disabled: 0,
      credential_version: 1,
      principal_id: newPrincipalId(),
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** A data directory as a server leaves it: database, master key, key PEM copies. */
async function dataDirectory(env: NodeJS.ProcessEnv = {}): Promise<{ dir: string; handle: DatabaseHandle }> {
  const dir = fresh('data');
  const handle = await openDatabase({ dataDir: dir });
  loadSecretBox(dir, env);
  fs.mkdirSync(path.join(dir, 'keys'), { mode: 0o700 });
  fs.writeFileSync(path.join(dir, 'keys', 'k1.crt.pem'), 'certificate\n', { mode: 0o600 });
  for (let id = 1; id <= 20; id++) await addUser(handle, id);
  return { dir, handle };
}

describe('backup and restore of a data directory', () => {
  test('an online backup taken while a writer goes on restores every row written before it', async () => {
    const { dir, handle } = await dataDirectory();
    const out = fresh('backup.tgz');
    let next = 21;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await addUser(handle, next++);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      const manifest = await backup({ dataDir: dir, out, env: {} });
      assert.deepEqual(
        manifest.migrations,
        MIGRATIONS.map((m) => m.name),
      );
      assert.deepEqual([...manifest.files].sort(), ['keys', 'master.key', 'purser.db']);
      assert.equal(manifest.master_key, 'file');
    } finally {
      writing = false;
      await writer;
      await handle.close();
    }
    assert.equal(fs.statSync(out).mode & 0o777, 0o600, 'the backup opens every secret: 0600');
    assert.deepEqual(
      fs.readdirSync(path.dirname(out)).filter((f) => f.includes('.partial')),
      [],
      'no partial file left',
    );

    const target = fresh('restored');
    await restore({ file: out, dataDir: target });
    assert.equal(
      fs.readFileSync(path.join(target, 'master.key'), 'utf8'),
      fs.readFileSync(path.join(dir, 'master.key'), 'utf8'),
    );
    assert.equal(fs.readFileSync(path.join(target, 'keys', 'k1.crt.pem'), 'utf8'), 'certificate\n');
    assert.equal(fs.statSync(target).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(target, 'purser.db')).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.join(target, 'keys')).mode & 0o777, 0o700);
    const restored = await openDatabase({ dataDir: target });
    try {
      const ids = (await restored.db.selectFrom('users').select('id').execute()).map((r) => r.id);
      for (let id = 1; id <= 20; id++) assert.ok(ids.includes(id), `user ${id} is in the backup`);
      assert.ok(ids.length <= next - 1);
    } finally {
      await restored.close();
    }
  });

  test('a restore goes into an empty directory only, and the target of a backup must be new', async () => {
    const { dir, handle } = await dataDirectory();
    await handle.close();
    const out = fresh('backup.tgz');
    await backup({ dataDir: dir, out, env: {} });
    await assert.rejects(backup({ dataDir: dir, out, env: {} }), { code: 'CONFLICT' });
    await assert.rejects(restore({ file: out, dataDir: dir }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'CONFLICT');
      assert.match(error.message, /is not empty: restore into a new or empty data directory/);
      return true;
    });
    const empty = fresh('empty');
    fs.mkdirSync(empty);
    await restore({ file: out, dataDir: empty });
    assert.ok(fs.existsSync(path.join(empty, 'purser.db')));
  });

  test('with PURSER_MASTER_KEY the backup says the key is not in it', async () => {
    const env = { PURSER_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
    const { dir, handle } = await dataDirectory(env);
    await handle.close();
    const manifest = await backup({ dataDir: dir, out: fresh('backup.tgz'), env });
    assert.equal(manifest.master_key, 'environment');
    assert.equal(manifest.files.includes('master.key'), false);
  });

  test('on PostgreSQL: the keys only, and pg_dump for the database', async () => {
    const dir = fresh('pg-data');
    fs.mkdirSync(path.join(dir, 'keys'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'keys', 'k.crt.pem'), 'c\n');
    loadSecretBox(dir, {});
    const out = fresh('backup.tgz');
    const manifest = await backup({ dataDir: dir, out, databaseUrl: 'postgres://127.0.0.1/none', env: {} });
    assert.equal(manifest.dialect, 'postgres');
    assert.deepEqual([...manifest.files].sort(), ['keys', 'master.key']);
    assert.match(POSTGRES_BACKUP_ADVICE, /pg_dump --format=custom/);
    assert.match(POSTGRES_BACKUP_ADVICE, /pg_restore/);
    const target = fresh('pg-restored');
    await restore({ file: out, dataDir: target });
    assert.deepEqual(fs.readdirSync(target).sort(), ['keys', 'master.key']);
  });

  test('refuses what is not a backup, and a backup from a newer schema', async () => {
    const junk = fresh('junk.tgz');
    fs.writeFileSync(junk, 'not a tar');
    await assert.rejects(readManifest(junk), { code: 'BAD_REQUEST' });
    const staging = fresh('future');
    fs.mkdirSync(staging);
    const manifest = {
      format: 1,
      created_at: new Date().toISOString(),
      dialect: 'sqlite',
      migrations: [...MIGRATIONS.map((m) => m.name), '999-future'],
      master_key: 'file',
      files: [],
    };
    fs.writeFileSync(path.join(staging, BACKUP_MANIFEST), JSON.stringify(manifest));
    const future = fresh('future.tgz');
    await tar.create({ gzip: true, file: future, cwd: staging }, [BACKUP_MANIFEST]);
    const target = fresh('never');
    await assert.rejects(restore({ file: future, dataDir: target }), /newer Purser \(schema 999-future\)/);
    assert.equal(fs.existsSync(target), false, 'nothing written');
  });

  test('entries the manifest does not list are not extracted', async () => {
    const staging = fresh('extra');
    fs.mkdirSync(staging);
    fs.writeFileSync(path.join(staging, 'master.key'), `${Buffer.alloc(32, 1).toString('base64')}\n`);
    fs.writeFileSync(path.join(staging, 'surprise.sh'), 'echo hi');
    const manifest = {
      format: 1,
      created_at: '',
      dialect: 'postgres',
      migrations: [],
      master_key: 'file',
      files: ['master.key'],
    };
    fs.writeFileSync(path.join(staging, BACKUP_MANIFEST), JSON.stringify(manifest));
    const file = fresh('extra.tgz');
    await tar.create({ gzip: true, file, cwd: staging }, [BACKUP_MANIFEST, 'master.key', 'surprise.sh']);
    const target = fresh('extra-restored');
    await restore({ file, dataDir: target });
    assert.deepEqual(fs.readdirSync(target), ['master.key']);
  });
});
