/**
 * docker-credential-purser in remote mode: PURSER_URL plus a service credential, against a
 * running `purser serve`. The server applies the environment grant, deactivation and the
 * allowlist; the helper keeps the protocol's texts and exit codes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';
import { vaultFixture } from './vault-fixture.ts';

describe('credential helper, remote mode', { timeout: 120_000 }, () => {
  let purser: PurserServer | undefined;
  let configFile = '';
  const env: Record<string, string> = { PURSER_ADMIN_PASSWORD: 'admin-pw' };

  before(async () => {
    const work = tempDir('purser-remote-helper-');
    const port = await freePort();
    configFile = path.join(work, 'purser.yaml');
    fs.writeFileSync(
      configFile,
      YAML.stringify({
        listen: `127.0.0.1:${port}`,
        data: path.join(work, 'data'),
        public_url: `http://127.0.0.1:${port}`,
        token: { issuer: 'purser', lifetime: 300 },
        services: [
          { name: 'node1.example.com', secret: 'node1-secret' },
          { name: 'node2.example.com', secret: 'node2-secret' },
        ],
      }),
    );
    purser = await startPurser({ configFile, env });
    const cli = (args: string[], input?: string) =>
      purserCli(['--config', configFile, ...args], { env, ...(input === undefined ? {} : { input }) });
    assert.equal(
      (
        await cli(
          ['vault', 'add', '127.0.0.1:5000', '--username', 'alice', '--password-stdin', '--env', 'nodes'],
          'remote-Secret',
        )
      ).code,
      0,
    );
    assert.equal(
      (
        await cli(
          ['vault', 'add', 'quay.io', '--username', 'q', '--password-stdin', '--env', 'nodes'],
          'q-Secret',
        )
      ).code,
      0,
    );
    const grant = await cli(['vault', 'grant', 'nodes', '--service', 'node1.example.com']);
    assert.equal(grant.code, 0, describeResult(grant));
    assert.equal((await cli(['vault', 'deactivate', 'quay.io', '--env', 'nodes'])).code, 0);
  });

  after(async () => {
    await purser?.stop();
  });

  test('get, list and refusals through the API', async () => {
    const v = vaultFixture();
    const as = (user: string, password: string) => ({
      PURSER_URL: purser!.url,
      PURSER_USERNAME: user,
      PURSER_PASSWORD: password,
      PURSER_ENV: 'nodes',
      PURSER_DATA: '/nonexistent',
    });
    const node1 = as('node1.example.com', 'node1-secret');
    const got = await v.helper('get', 'http://127.0.0.1:5000\n', node1);
    assert.equal(got.code, 0, describeResult(got));
    assert.equal(
      got.stdout,
      '{"ServerURL":"http://127.0.0.1:5000","Username":"alice","Secret":"remote-Secret"}\n',
    );

    const miss = await v.helper('get', 'ghcr.io', node1);
    assert.equal(miss.code, 1);
    assert.equal(miss.stdout, 'credentials not found in native keychain\n');

    const off = await v.helper('get', 'quay.io', node1);
    assert.equal(off.code, 1);
    assert.equal(off.stdout, 'registry quay.io is deactivated\n');

    const list = await v.helper('list', undefined, node1);
    assert.equal(list.stdout, '{"127.0.0.1:5000":"alice"}\n');

    const notGranted = await v.helper('get', '127.0.0.1:5000', as('node2.example.com', 'node2-secret'));
    assert.equal(notGranted.code, 1);
    assert.equal(notGranted.stdout, 'not allowed to read the credentials of environment nodes\n');

    const wrong = await v.helper('get', '127.0.0.1:5000', as('node1.example.com', 'wrong'));
    assert.equal(wrong.code, 1);
    assert.ok(!wrong.stdout.includes('remote-Secret'));
  });
});
