/**
 * docker-credential-purser driven by the real clients against a registry that requires a
 * password (distribution with htpasswd on 127.0.0.1): docker with `credsStore: purser` logs in
 * (store) and reads (get); skopeo and podman copy/pull through `credHelpers` in auth.json.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { describeResult } from '../support/proc.ts';
import { type Registry, startRegistry, writeHtpasswd } from '../support/registry.ts';
import { createPodmanStore, docker, podman, skopeo, tempAuthFile } from '../support/skopeo.ts';
import { tempDir } from '../support/temp.ts';
import { type VaultFixture, vaultFixture } from './vault-fixture.ts';

const USER = 'alice';
const PASSWORD = 'c0rrect-horse';

describe('docker-credential-purser with real clients', { timeout: 240_000 }, () => {
  let registry: Registry | undefined;
  let vault: VaultFixture;
  let image: string;

  before(async () => {
    if (!hasBinary('docker-registry') || !hasBinary('skopeo')) return;
    vault = vaultFixture();
    const dir = tempDir('purser-htpasswd-');
    writeHtpasswd(join(dir, 'htpasswd'), { [USER]: PASSWORD });
    registry = await startRegistry({ auth: { htpasswd: { path: join(dir, 'htpasswd') } } });
    // Seed an image with plain skopeo credentials (not through the helper).
    const layout = join(tempDir('purser-oci-'), 'layout');
    const oci = await makeOciImage(layout, 'v1', 'vault e2e');
    image = `${registry.host}/team/app:v1`;
    const push = await skopeo(['copy', '--dest-creds', `${USER}:${PASSWORD}`, oci.ref, `docker://${image}`]);
    assert.equal(push.code, 0, describeResult(push));
  });

  after(async () => {
    await registry?.stop();
  });

  test('docker login with credsStore purser stores in the vault, then docker reads through get', async (t) => {
    if (!requireBinaries(t, ['docker', 'docker-registry', 'skopeo'])) return;
    const configDir = tempDir('purser-docker-');
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ credsStore: 'purser' }), { mode: 0o600 });
    const login = await docker(['login', '--username', USER, '--password-stdin', registry!.host], {
      configDir,
      input: PASSWORD,
      env: vault.env,
    });
    assert.equal(login.code, 0, describeResult(login));
    assert.match(login.stdout, /Login Succeeded/);
    const config = readFileSync(join(configDir, 'config.json'), 'utf8');
    assert.ok(
      !config.includes(Buffer.from(`${USER}:${PASSWORD}`).toString('base64')),
      'no plaintext auth in config.json',
    );
    assert.ok(!config.includes(PASSWORD));

    const listed = await vault.cli(['vault', 'list', '--json']);
    assert.equal(listed.code, 0, describeResult(listed));
    const records = JSON.parse(listed.stdout) as { address: string; username: string; state: string }[];
    assert.deepEqual(
      records.map((r) => [r.address, r.username, r.state]),
      [[registry!.host, USER, 'active']],
    );

    // A client-side read that needs the credentials: docker asks the helper (get).
    const inspect = await docker(['manifest', 'inspect', '--insecure', image], { configDir, env: vault.env });
    assert.equal(inspect.code, 0, describeResult(inspect));
    assert.match(inspect.stdout, /schemaVersion/);

    // Deactivated: the helper refuses with the vault's message (docker's client-side commands
    // then fall back to anonymous, which the registry refuses).
    assert.equal((await vault.cli(['vault', 'deactivate', registry!.host])).code, 0);
    const get = await vault.helper('get', `${registry!.host}\n`);
    assert.equal(get.code, 1);
    assert.equal(get.stdout, `registry ${registry!.host} is deactivated\n`);
    const refused = await docker(['manifest', 'inspect', '--insecure', image], { configDir, env: vault.env });
    assert.notEqual(refused.code, 0, describeResult(refused));
    assert.equal((await vault.cli(['vault', 'activate', registry!.host])).code, 0);

    const logout = await docker(['logout', registry!.host], { configDir, env: vault.env });
    assert.equal(logout.code, 0, describeResult(logout));
    const after = JSON.parse((await vault.cli(['vault', 'list', '--all', '--json'])).stdout) as {
      state: string;
    }[];
    assert.equal(after[0]?.state, 'deleted');
  });

  test('skopeo copies from the protected registry through credHelpers in auth.json', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const add = await vault.cli(
      ['vault', 'add', registry!.host, '--username', USER, '--password-stdin'],
      `${PASSWORD}\n`,
    );
    assert.equal(add.code, 0, describeResult(add));
    const authfile = tempAuthFile({ credHelpers: { [registry!.host]: 'purser' } });
    const target = join(tempDir('purser-copy-'), 'out');
    const copy = await skopeo(['copy', `docker://${image}`, `oci:${target}:v1`], {
      authfile,
      env: vault.env,
    });
    assert.equal(copy.code, 0, describeResult(copy));
    // Deactivated: skopeo reports the helper's message.
    assert.equal((await vault.cli(['vault', 'deactivate', registry!.host])).code, 0);
    const refused = await skopeo(['copy', `docker://${image}`, `oci:${target}-2:v1`], {
      authfile,
      env: vault.env,
    });
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      new RegExp(`registry ${registry!.host.replace(/\./g, '\\.')} is deactivated`),
      describeResult(refused),
    );
    assert.equal((await vault.cli(['vault', 'activate', registry!.host])).code, 0);
    // Without the helper entry the same copy is refused: the registry really requires the password.
    const anonymous = await skopeo(['copy', `docker://${image}`, `oci:${target}-anon:v1`], {
      authfile: tempAuthFile({}),
      env: vault.env,
    });
    assert.notEqual(anonymous.code, 0, 'the registry must refuse anonymous pulls');
  });

  test('podman pulls through credHelpers in auth.json', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo', 'podman'])) return;
    const add = await vault.cli(
      ['vault', 'add', registry!.host, '--username', USER, '--password-stdin'],
      PASSWORD,
    );
    assert.equal(add.code, 0, describeResult(add));
    const store = createPodmanStore();
    const authfile = tempAuthFile({ credHelpers: { [registry!.host]: 'purser' } });
    const pull = await podman(['pull', image], { store, authfile, env: vault.env });
    assert.equal(pull.code, 0, describeResult(pull));
    const wrong = await vault.cli(['vault', 'edit', registry!.host, '--password-stdin'], 'wrong-password');
    assert.equal(wrong.code, 0, describeResult(wrong));
    const refused = await podman(['pull', `${registry!.host}/team/app:v1`], {
      store: createPodmanStore(),
      authfile,
      env: vault.env,
    });
    assert.notEqual(refused.code, 0, 'a wrong password from the vault must fail the pull');
  });
});
