/**
 * `purser backup` while the server is under load (users and credentials being created, tokens
 * issued), then `purser restore` into an empty data directory: every user, key and credential
 * acknowledged before the backup began is there, and the sealed secrets open. Also: the
 * signing key is sealed at rest (an old plaintext PEM is sealed at start) and
 * `purser keys export --pem` gives it back.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openRuntime } from '../../src/app/compose.ts';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli, startPurser } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const ADMIN = `Basic ${Buffer.from('admin:admin-pw').toString('base64')}`;

test('backup under load, restore into an empty directory: every user, key and credential found', async (t) => {
  const dir = tempDir('purser-backup-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const data = path.join(dir, 'data');
  const port = await freePort();
  fs.writeFileSync(
    file,
    `listen: 127.0.0.1:${port}\ndata: ${data}\nregistries:\n  - { service: registry.test, url: "http://127.0.0.1:9" }\n`,
    { mode: 0o600 },
  );
  const server = await startPurser({ configFile: file, env: { PURSER_ADMIN_PASSWORD: 'admin-pw' } });
  t.after(() => server.stop());
  const api = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${server.url}${pathname}`, {
      method,
      headers: { authorization: ADMIN, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, text };
  };
  const acknowledged = { users: [] as string[], credentials: [] as string[] };
  let stop = false;
  let n = 0;
  const load = (async () => {
    while (!stop) {
      const i = n++;
      const user = await api('POST', '/api/v1/users', { name: `user${i}`, password: `pw-${i}-0123456789` });
      assert.equal(user.status, 201, user.text);
      acknowledged.users.push(`user${i}`);
      const credential = await api('POST', '/api/v1/environments/default/credentials', {
        address: `registry${i}.example.test`,
        username: `ci${i}`,
        secret: `secret-${i}`,
      });
      assert.equal(credential.status, 201, credential.text);
      acknowledged.credentials.push(`registry${i}.example.test`);
      await fetch(`${server.url}/token?service=registry.test`, {
        headers: { authorization: `Basic ${Buffer.from(`user${i}:pw-${i}-0123456789`).toString('base64')}` },
      }).then((r) => r.arrayBuffer());
    }
  })();
  while (acknowledged.credentials.length < 5) await new Promise((resolve) => setTimeout(resolve, 20));
  const before = { users: [...acknowledged.users], credentials: [...acknowledged.credentials] };
  const out = path.join(dir, 'purser.backup.tar.gz');
  const backedUp = await purserCli(['backup', '--out', out, '--json'], { env: { PURSER_CONFIG: file } });
  stop = true;
  await load;
  assert.equal(backedUp.code, 0, describeResult(backedUp));
  assert.equal(fs.statSync(out).mode & 0o777, 0o600);
  const manifest = (JSON.parse(backedUp.stdout) as { manifest: { dialect: string; files: string[] } })
    .manifest;
  assert.equal(manifest.dialect, 'sqlite');
  assert.deepEqual([...manifest.files].sort(), ['keys', 'master.key', 'purser.db']);
  assert.ok(n > before.users.length, 'writes went on while the backup ran');
  const keysBefore = await purserCli(['keys', 'list', '--json'], { env: { PURSER_CONFIG: file } });
  const kids = (JSON.parse(keysBefore.stdout) as { kid: string }[]).map((k) => k.kid);

  const restored = path.join(dir, 'restored');
  const again = await purserCli(['restore', out], { env: { PURSER_DATA: restored } });
  assert.equal(again.code, 0, describeResult(again));
  assert.match(again.stdout, /^restored .* into .*restored \(sqlite; /);
  const refused = await purserCli(['restore', out], { env: { PURSER_DATA: restored } });
  assert.equal(refused.code === 0, false, 'never over a data directory in use');
  assert.match(refused.stderr, /is not empty: restore into a new or empty data directory/);

  const runtime = await openRuntime({
    dataDir: restored,
    databaseUrl: undefined,
    publicUrl: 'http://127.0.0.1:1',
    mode: 'private',
    issuer: 'purser',
    lifetime: 300,
  });
  try {
    for (const name of [...before.users, 'admin'])
      assert.ok(runtime.authority.credential(name), `user ${name}`);
    const admin = await runtime.authority.authenticator.authenticate('admin', 'admin-pw');
    assert.equal(admin.kind, 'user', 'passwords still verify');
    assert.deepEqual(
      runtime.authority.ring.all.map((k) => k.key.kid).sort(),
      [...kids].sort(),
      'the signing keys',
    );
    for (const address of before.credentials) {
      const i = address.match(/\d+/)?.[0];
      const secret = await runtime.vault.reveal('default', address, { name: 'test', kind: 'system' }, 'test');
      assert.equal(secret.secret, `secret-${i}`, `credential ${address} opens with the restored master key`);
    }
  } finally {
    await runtime.close();
  }
});

test('signing keys are sealed at rest, an old plaintext PEM is sealed at start, keys export --pem', async (t) => {
  const dir = tempDir('purser-keys-sealed-');
  t.after(() => removeTempDir(dir));
  const data = path.join(dir, 'data');
  const env = { PURSER_DATA: data, PURSER_ADMIN_PASSWORD: 'admin-pw' };
  const listed = await purserCli(['keys', 'list', '--json'], { env });
  assert.equal(listed.code, 0, describeResult(listed));
  const [{ kid }] = JSON.parse(listed.stdout) as [{ kid: string }];
  const keys = path.join(data, 'keys');
  assert.deepEqual(fs.readdirSync(keys).sort(), [`${kid}.crt.pem`, `${kid}.key.sealed`]);
  const sealed = fs.readFileSync(path.join(keys, `${kid}.key.sealed`), 'utf8');
  assert.doesNotMatch(sealed, /PRIVATE KEY/);

  const exported = await purserCli(['keys', 'export', '--pem'], { env });
  assert.equal(exported.code, 0, describeResult(exported));
  assert.match(exported.stdout, /^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
  const certificate = new crypto.X509Certificate(fs.readFileSync(path.join(keys, `${kid}.crt.pem`)));
  assert.ok(
    certificate.checkPrivateKey(crypto.createPrivateKey(exported.stdout)),
    'the key of the certificate',
  );
  const noFlag = await purserCli(['keys', 'export'], { env });
  assert.notEqual(noFlag.code, 0);
  assert.match(noFlag.stderr, /--pem/);
  assert.equal(noFlag.stdout, '');

  // A data directory from before: the private key in clear beside the certificate.
  fs.unlinkSync(path.join(keys, `${kid}.key.sealed`));
  fs.writeFileSync(path.join(keys, `${kid}.key.pem`), exported.stdout, { mode: 0o600 });
  const reopened = await purserCli(['keys', 'list'], { env });
  assert.equal(reopened.code, 0, describeResult(reopened));
  assert.deepEqual(
    fs.readdirSync(keys).sort(),
    [`${kid}.crt.pem`, `${kid}.key.sealed`],
    'sealed, the PEM gone',
  );
  assert.equal((await purserCli(['keys', 'export', '--pem'], { env })).stdout, exported.stdout);
});
