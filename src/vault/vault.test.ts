import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { SecretBox } from '../crypto/secret-box.ts';
import { type DatabaseHandle, openDatabase } from '../store/database.ts';
import { localActor } from './actor.ts';
import { Vault } from './vault.ts';

let dir = '';
let handle: DatabaseHandle;
const entries: AuditEntry[] = [];
const box = new SecretBox([crypto.randomBytes(32)]);
let vault: Vault;
const actor = localActor('test');

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-vault-unit-'));
  handle = await openDatabase({ dataDir: dir });
  vault = new Vault(handle.db, box, { record: (e) => void entries.push(e) });
});
after(async () => {
  await handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('secrets are sealed, bound to their row, and replaced by a newer add', async () => {
  await vault.add({ address: 'quay.io', username: 'a', secret: 'first' }, actor);
  await vault.add({ address: 'quay.io', username: 'b', secret: 'second' }, actor);
  const rows = await handle.db.selectFrom('vault_credentials').selectAll().execute();
  assert.equal(rows.length, 1);
  assert.ok(rows[0]!.secret!.startsWith('v1.'));
  assert.ok(!rows[0]!.secret!.includes('second'));
  assert.equal((await vault.reveal('default', 'https://quay.io/v2/', actor)).secret, 'second');
  // A sealed value moved to another row does not open.
  await vault.add({ address: 'ghcr.io', username: 'g', secret: 'ghcr' }, actor);
  await handle.db
    .updateTable('vault_credentials')
    .set({ secret: rows[0]!.secret })
    .where('address', '=', 'ghcr.io')
    .execute();
  await assert.rejects(vault.reveal('default', 'ghcr.io', actor), /failed authentication/);
});

test('reads are audited, denied ones too; no secret in the audit', async () => {
  entries.length = 0;
  await vault.add({ address: 'a.example', username: 'u', secret: 'audit-secret' }, actor);
  await vault.reveal('default', 'a.example', actor, 'test');
  await vault.setState('default', 'a.example', 'deactivated', actor);
  await assert.rejects(vault.reveal('default', 'a.example', actor), /registry a\.example is deactivated/);
  const reads = entries.filter((e) => e.action === 'credential.read');
  assert.deepEqual(
    reads.map((e) => e.outcome),
    ['success', 'denied'],
  );
  assert.ok(!JSON.stringify(entries).includes('audit-secret'));
});

test('allowlist and deletion', async () => {
  await vault.add({ address: 'b.example', username: 'u', secret: 'b' }, actor);
  await vault.setAllowlist('default', ['quay.io'], actor);
  await assert.rejects(
    vault.reveal('default', 'b.example', actor),
    /registry b\.example is not in the allowlist of environment default \(allowed: quay\.io\)/,
  );
  await vault.setAllowlist('default', null, actor);
  await vault.remove('default', 'b.example', actor);
  const row = await handle.db
    .selectFrom('vault_credentials')
    .selectAll()
    .where('address', '=', 'b.example')
    .executeTakeFirstOrThrow();
  assert.equal(row.secret, null);
  assert.equal(row.state, 'deleted');
  await assert.rejects(vault.reveal('default', 'b.example', actor), /no credential for b\.example/);
});

test('reseal moves every secret to the new current key', async () => {
  const oldKey = crypto.randomBytes(32);
  const newKey = crypto.randomBytes(32);
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-reseal-'));
  const h = await openDatabase({ dataDir: d });
  try {
    const v1 = new Vault(h.db, new SecretBox([oldKey]));
    await v1.add({ address: 'r.example', username: 'u', secret: 'rotate-me' }, actor);
    const ring = new SecretBox([newKey, oldKey]);
    assert.equal(await new Vault(h.db, ring).reseal(ring), 1);
    assert.equal(await new Vault(h.db, ring).reseal(ring), 0, 'idempotent');
    assert.equal(
      (await new Vault(h.db, new SecretBox([newKey])).reveal('default', 'r.example', actor)).secret,
      'rotate-me',
    );
  } finally {
    await h.close();
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('a long-running vault reloads the keyring when a value was sealed under a newer key', async () => {
  const oldKey = crypto.randomBytes(32);
  const newKey = crypto.randomBytes(32);
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-reload-'));
  const h = await openDatabase({ dataDir: d });
  try {
    let reloads = 0;
    const server = new Vault(
      h.db,
      new SecretBox([oldKey], () => {
        reloads += 1;
        return [newKey, oldKey];
      }),
    );
    await new Vault(h.db, new SecretBox([newKey])).add(
      { address: 'n.example', username: 'u', secret: 'after-rotation' },
      actor,
    );
    assert.equal((await server.reveal('default', 'n.example', actor)).secret, 'after-rotation');
    assert.equal(reloads, 1);
    const noReload = new Vault(h.db, new SecretBox([oldKey]));
    await assert.rejects(noReload.reveal('default', 'n.example', actor), /not loaded/);
  } finally {
    await h.close();
    fs.rmSync(d, { recursive: true, force: true });
  }
});

test('cloud kinds: the material is checked, the user name fixed, and a password is not material', async () => {
  const address = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  await assert.rejects(
    vault.add({ address, username: '', kind: 'ecr', secret: '{"accessKeyId":"A"}' }, actor),
    /the ecr credential needs region/,
  );
  await assert.rejects(
    vault.add({ address, username: '', kind: 'acr', secret: 'not json' }, actor),
    /not valid material/,
  );
  const record = await vault.add(
    { address, username: 'ignored', kind: 'ecr', secret: JSON.stringify({ region: 'eu-west-1' }) },
    actor,
  );
  assert.equal(record.username, 'AWS');
  assert.equal(record.kind, 'ecr');
  await assert.rejects(
    vault.update('default', address, { secret: 'a-password' }, actor),
    /an? ecr credential's secret is its material, not a password: store the credential again/,
  );
  await assert.rejects(
    vault.update('default', address, { username: 'x' }, actor),
    /user name is fixed \(AWS\)/,
  );
});
