import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openLocalVault } from '../app/local-vault.ts';
import { openDatabase } from '../store/database.ts';
import { localActor } from './actor.ts';
import { LocalHelperStore } from './helper-local.cts';
import { readHelperSnapshot, SNAPSHOT_FILE, storeSignature } from './helper-snapshot.cts';

test('the snapshot is used only while the store is unchanged; any other writer invalidates it', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-snapshot-'));
  const env = { PURSER_DATA: dataDir };
  try {
    const local = await openLocalVault({}, env);
    await local.vault.add({ address: 'a.example', username: 'u', secret: 'snap-secret' }, localActor());
    await local.close();
    const snapshot = readHelperSnapshot(dataDir);
    assert.ok(snapshot, 'a change through the local vault writes a snapshot');
    assert.equal(snapshot.environments.default?.credentials['a.example']?.username, 'u');
    assert.ok(
      !fs.readFileSync(path.join(dataDir, SNAPSHOT_FILE), 'utf8').includes('snap-secret'),
      'secrets stay sealed',
    );
    assert.equal(fs.statSync(path.join(dataDir, SNAPSHOT_FILE)).mode & 0o777, 0o600);

    // A read-only reader does not invalidate it.
    const helper = new LocalHelperStore(dataDir, env);
    const found = await helper.get('default', 'a.example');
    assert.equal(typeof found === 'object' ? found.secret : found, 'snap-secret');
    helper.close();
    assert.ok(readHelperSnapshot(dataDir));

    // Another process (a server) deactivates the credential directly in the store.
    const before = storeSignature(dataDir);
    const server = await openDatabase({ dataDir });
    await server.db
      .updateTable('vault_credentials')
      .set({ state: 'deactivated' })
      .where('address', '=', 'a.example')
      .execute();
    assert.notEqual(storeSignature(dataDir), before);
    assert.equal(readHelperSnapshot(dataDir), undefined, 'stale snapshot refused');
    const reader = new LocalHelperStore(dataDir, env);
    await assert.rejects(reader.get('default', 'a.example'), /registry a\.example is deactivated/);
    reader.close();
    await server.close();
    assert.equal(readHelperSnapshot(dataDir), undefined, 'still stale after the writer closes (checkpoint)');

    // A read-only command changes nothing, so it leaves the stale snapshot alone; a change refreshes it.
    const again = await openLocalVault({}, env);
    await again.vault.setState('default', 'a.example', 'active', localActor());
    await again.close();
    assert.equal(
      readHelperSnapshot(dataDir)?.environments.default?.credentials['a.example']?.state,
      'active',
    );
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
