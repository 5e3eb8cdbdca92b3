/**
 * `purser-credential-provider` as the kubelet runs it, through the mini-kubelet: the installed
 * bin (a symlink named like the provider, as npm links it) answering from a local vault, the
 * config written by renderCredentialProviderConfig, and the kubelet's rules for plugins that
 * fail, time out or answer badly.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderCredentialProviderConfig } from '../../src/kubelet/credential-provider-config.ts';
import { MiniKubelet } from '../support/mini-kubelet.ts';
import { describeResult, run } from '../support/proc.ts';
import { tempDir } from '../support/temp.ts';

const PROVIDER_BIN = fileURLToPath(new URL('../../bin/purser-credential-provider.js', import.meta.url));
const HELPER_BIN = fileURLToPath(new URL('../../bin/docker-credential-purser', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/cli/credential-provider.js', import.meta.url));

describe('purser-credential-provider through the mini-kubelet', () => {
  let root: string;
  let binDir: string;
  let dataDir: string;
  const env = () => ({ ...process.env, PURSER_CONFIG: undefined, PURSER_URL: undefined });

  before(async () => {
    // npm ci builds dist/ (prepare); a missing build is a broken install, never a skip.
    assert.ok(existsSync(BUILT), `${BUILT} is missing: run npm run build`);
    root = tempDir('purser-kubelet-');
    binDir = join(root, 'bin');
    dataDir = join(root, 'data');
    await run('mkdir', ['-p', binDir]);
    symlinkSync(PROVIDER_BIN, join(binDir, 'purser-credential-provider'));
    const stored = await run(HELPER_BIN, ['store'], {
      env: { PURSER_DATA: dataDir, PURSER_CONFIG: undefined, PURSER_URL: undefined },
      input: JSON.stringify({
        ServerURL: 'registry.kube.test:5000',
        Username: 'node',
        Secret: 'node-secret',
      }),
    });
    assert.equal(stored.code, 0, describeResult(stored));
  });

  test('answers from the local vault, keyed by the registry; the kubelet caches it by registry', async () => {
    const config = renderCredentialProviderConfig([
      {
        matchImages: ['registry.kube.test:5000', '*.dkr.ecr.*.amazonaws.com'],
        env: [{ name: 'PURSER_DATA', value: dataDir }],
      },
    ]);
    const kubelet = new MiniKubelet(config, { binDir, env: env() });
    const first = await kubelet.lookup('registry.kube.test:5000/team/app:1.0');
    assert.deepEqual(first.errors, []);
    assert.deepEqual(first.credentials, [
      { key: 'registry.kube.test:5000', username: 'node', password: 'node-secret' },
    ]);
    const second = await kubelet.lookup('registry.kube.test:5000/team/other');
    assert.equal(second.credentials[0]?.password, 'node-secret');
    assert.equal(
      kubelet.execs.get('purser-credential-provider'),
      1,
      'one exec: cached by registry for defaultCacheDuration',
    );

    // Not matched by matchImages: the plugin is not run at all.
    assert.deepEqual((await kubelet.lookup('registry.kube.test/team/app')).credentials, []);
    // Matched, but nothing in the vault: an empty answer, no error.
    const miss = await kubelet.lookup('123456789012.dkr.ecr.eu-west-1.amazonaws.com/app');
    assert.deepEqual(miss, { credentials: [], errors: [] });
    assert.equal(kubelet.execs.get('purser-credential-provider'), 2);

    const audit = readFileSync(join(dataDir, 'audit', 'vault.jsonl'), 'utf8');
    assert.match(audit, /"userAgent":"purser-credential-provider"/);
    assert.ok(!audit.includes('node-secret'));
  });

  test('a request it cannot read is a non-zero exit with one line on stderr', async () => {
    const result = await run(join(binDir, 'purser-credential-provider'), [], {
      env: { PURSER_DATA: dataDir },
      input:
        '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v9","image":"x"}',
    });
    assert.notEqual(result.code, 0);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr,
      /^purser-credential-provider: unsupported apiVersion "credentialprovider\.kubelet\.k8s\.io\/v9"/,
    );
  });

  test('the kubelet’s rules: failures, bad answers and timeouts give no credentials; 0s is not cached', async () => {
    const dir = tempDir('purser-kubelet-fixtures-');
    const plugin = (name: string, body: string) => {
      const file = join(dir, name);
      writeFileSync(file, `#!/bin/sh\ncat >/dev/null\n${body}\n`);
      chmodSync(file, 0o755);
    };
    const answer = (extra: string) =>
      `echo '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","cacheKeyType":"Registry",${extra}"auth":{"reg.test":{"username":"u","password":"p"}}}'`;
    plugin('fails', 'echo "no vault here" >&2; exit 3');
    plugin('unknown-field', answer('"extra":1,'));
    plugin('wrong-version', answer('').replace('/v1"', '/v1beta1"'));
    plugin('bad-key-type', answer('').replace('"Registry"', '"Repository"'));
    plugin('slow', 'sleep 5');
    plugin('uncached', answer('"cacheDuration":"0s",'));
    const config = (name: string) =>
      renderCredentialProviderConfig([{ name, matchImages: ['reg.test'], defaultCacheDuration: '1h' }]);
    const look = async (name: string, timeoutMs?: number) => {
      const kubelet = new MiniKubelet(config(name), { binDir: dir, ...(timeoutMs ? { timeoutMs } : {}) });
      return { kubelet, result: await kubelet.lookup('reg.test/app') };
    };

    const failed = await look('fails');
    assert.deepEqual(failed.result.credentials, []);
    assert.match(failed.result.errors[0] ?? '', /exited 3: no vault here/);
    assert.match(
      (await look('unknown-field')).result.errors[0] ?? '',
      /error decoding.*unknown field "extra"/,
    );
    assert.match((await look('wrong-version')).result.errors[0] ?? '', /did not match expected apiVersion/);
    assert.match((await look('bad-key-type')).result.errors[0] ?? '', /will not be used/);
    // The kubelet waits one minute; the harness takes a shorter limit to show the rule.
    assert.match((await look('slow', 300)).result.errors[0] ?? '', /timed out/);
    const uncached = await look('uncached');
    assert.equal(uncached.result.credentials[0]?.password, 'p');
    await uncached.kubelet.lookup('reg.test/app');
    assert.equal(uncached.kubelet.execs.get('uncached'), 2, 'cacheDuration 0s: asked again');
    assert.throws(
      () =>
        new MiniKubelet(
          'apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: []\n',
          { binDir: dir },
        ),
      /no providers/,
    );
  });
});
