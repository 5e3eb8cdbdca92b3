/**
 * Cloud credentials through a running Purser: `docker-credential-purser get` and
 * `purser-credential-provider` (configured by `purser export kubelet-provider-config
 * --purser-url`, the service account's secret in a file) in remote mode with a service account
 * granted the environment; the server mints, caches and answers with the token's expiry, and 20
 * concurrent helper processes cost one mint.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { MiniKubelet } from '../support/mini-kubelet.ts';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';
import { type VaultFixture, vaultFixture } from '../vault/vault-fixture.ts';

const PROVIDER_BIN = fileURLToPath(new URL('../../bin/purser-credential-provider.js', import.meta.url));
const SECOND = '222222222222.dkr.ecr.eu-west-1.amazonaws.com';

describe('cloud credentials through a running Purser', { timeout: 180_000 }, () => {
  let purser: PurserServer | undefined;
  let ecr: FakeEcr;
  let configFile = '';
  let work = '';
  let fixture: VaultFixture;
  let issued = 0;
  const env: Record<string, string> = { PURSER_ADMIN_PASSWORD: 'admin-pw' };
  const cli = (args: string[], input?: string) =>
    purserCli(['--config', configFile, ...args], { env, ...(input === undefined ? {} : { input }) });
  const node = () => ({
    PURSER_URL: purser!.url,
    PURSER_USERNAME: 'node1.example.com',
    PURSER_PASSWORD: 'node1-secret',
    PURSER_ENV: 'nodes',
    PURSER_DATA: '/nonexistent',
  });

  before(async () => {
    ecr = await startFakeEcr({
      accessKeyId: 'AKIDPURSERTEST',
      region: 'eu-west-1',
      password: () => `remote-token-${++issued}`,
    });
    work = tempDir('purser-cloud-remote-');
    const port = await freePort();
    configFile = path.join(work, 'purser.yaml');
    fs.writeFileSync(
      configFile,
      YAML.stringify({
        listen: `127.0.0.1:${port}`,
        data: path.join(work, 'data'),
        public_url: `http://127.0.0.1:${port}`,
        services: [{ name: 'node1.example.com', secret: 'node1-secret' }],
      }),
    );
    fs.writeFileSync(path.join(work, 'aws.secret'), 'x');
    fs.writeFileSync(path.join(work, 'node1.secret'), 'node1-secret\n');
    purser = await startPurser({ configFile, env });
    for (const address of [ecr.registryHost, SECOND]) {
      const added = await cli([
        'vault',
        'add',
        address,
        '--env',
        'nodes',
        '--kind',
        'ecr',
        '--aws-region',
        'eu-west-1',
        '--aws-access-key-id',
        'AKIDPURSERTEST',
        '--aws-secret-access-key-file',
        path.join(work, 'aws.secret'),
        '--aws-endpoint',
        ecr.url,
      ]);
      assert.equal(added.code, 0, describeResult(added));
    }
    const grant = await cli(['vault', 'grant', 'nodes', '--service', 'node1.example.com']);
    assert.equal(grant.code, 0, describeResult(grant));
    fixture = vaultFixture();
    fs.symlinkSync(PROVIDER_BIN, path.join(fixture.binDir, 'purser-credential-provider'));
  });

  after(async () => {
    await purser?.stop();
    await ecr?.close();
  });

  test('the helper and the kubelet provider get the server-minted token', async () => {
    const got = await fixture.helper('get', ecr.registryHost, node());
    assert.equal(got.code, 0, describeResult(got));
    assert.deepEqual(JSON.parse(got.stdout), {
      ServerURL: ecr.registryHost,
      Username: 'AWS',
      Secret: 'remote-token-1',
    });

    const exported = await cli([
      'export',
      'kubelet-provider-config',
      '--match',
      '*.dkr.ecr.*.amazonaws.com',
      '--env',
      'nodes',
      '--purser-url',
      purser!.url,
      '--purser-username',
      'node1.example.com',
      '--purser-password-file',
      path.join(work, 'node1.secret'),
    ]);
    assert.equal(exported.code, 0, describeResult(exported));
    assert.doesNotMatch(exported.stdout, /node1-secret/, 'the secret stays in its file');
    const kubelet = new MiniKubelet(exported.stdout, {
      binDir: fixture.binDir,
      env: { ...process.env, PURSER_CONFIG: undefined, PURSER_URL: undefined, PURSER_DATA: '/nonexistent' },
    });
    const found = await kubelet.lookup(`${ecr.registryHost}/team/app:v1`);
    assert.deepEqual(found.errors, []);
    assert.deepEqual(found.credentials, [
      { key: ecr.registryHost, username: 'AWS', password: 'remote-token-1' },
    ]);
    assert.equal(ecr.mints, 1, 'the server minted once and cached');
  });

  test('20 concurrent helper gets of a fresh credential cost one mint', async () => {
    const before = ecr.mints;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => fixture.helper('get', SECOND, node())),
    );
    for (const a of answers) assert.equal(a.code, 0, describeResult(a));
    assert.equal(new Set(answers.map((a) => (JSON.parse(a.stdout) as { Secret: string }).Secret)).size, 1);
    assert.equal(ecr.mints, before + 1);
  });
});
