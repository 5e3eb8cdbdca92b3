/**
 * `purser registry trust` against a TLS server with a self-signed certificate, and
 * `purser login` against a real htpasswd registry (check, report, store).
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { requireBinaries, requireBinary } from '../support/binaries.ts';
import { describeResult } from '../support/proc.ts';
import { startRegistry, writeHtpasswd } from '../support/registry.ts';
import { tempDir } from '../support/temp.ts';
import { selfSignedCertificate } from '../support/tls.ts';
import { vaultFixture } from './vault-fixture.ts';

describe('registry trust and login', { timeout: 120_000 }, () => {
  test('trust fetches the self-signed chain, shows the fingerprint and writes certs.d for docker and containers', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const dir = tempDir('purser-tls-');
    const tls = await selfSignedCertificate(dir, { commonName: 'registry.purser.test' });
    const certPem = readFileSync(tls.certFile, 'utf8');
    const server = https.createServer({ key: readFileSync(tls.keyFile), cert: certPem }, (_req, res) =>
      res.end('{}'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const v = vaultFixture();
      const root = tempDir('purser-etc-');
      const fingerprint = new X509Certificate(certPem).fingerprint256;
      const r = await v.cli(['registry', 'trust', `127.0.0.1:${port}`, '--root', root]);
      assert.equal(r.code, 0, describeResult(r));
      assert.match(r.stdout, new RegExp(`SHA-256 fingerprint: ${fingerprint}`));
      assert.match(r.stdout, /CN=registry\.purser\.test/);
      for (const tool of ['docker', 'containers']) {
        const file = join(root, tool, 'certs.d', `127.0.0.1:${port}`, 'ca.crt');
        assert.equal(new X509Certificate(readFileSync(file)).fingerprint256, fingerprint);
        assert.equal(statSync(file).mode & 0o777, 0o644);
      }
      const pinnedWrong = await v.cli([
        'registry',
        'trust',
        `127.0.0.1:${port}`,
        '--root',
        tempDir('purser-etc2-'),
        '--fingerprint',
        'AA:BB',
      ]);
      assert.equal(pinnedWrong.code, 4);
      assert.match(pinnedWrong.stderr, /fingerprint mismatch/);
      const snippet = await v.cli(['registry', 'trust', `127.0.0.1:${port}`, '--insecure-snippet']);
      assert.equal(snippet.code, 0);
      assert.match(snippet.stdout, new RegExp(`"insecure-registries": \\[\\n\\s+"127\\.0\\.0\\.1:${port}"`));
    } finally {
      server.close();
    }
  });

  test('login checks against a Basic-auth registry, reports clearly and stores on success', async (t) => {
    if (!requireBinaries(t, ['docker-registry'])) return;
    const dir = tempDir('purser-login-');
    writeHtpasswd(join(dir, 'htpasswd'), { dave: 'dave-pass' });
    const registry = await startRegistry({ auth: { htpasswd: { path: join(dir, 'htpasswd') } } });
    try {
      const v = vaultFixture();
      const bad = await v.cli(['login', registry.host, '--username', 'dave', '--password-stdin'], 'wrong');
      assert.equal(bad.code, 3);
      assert.match(
        bad.stderr,
        new RegExp(`login to ${registry.host.replace(/\./g, '\\.')} failed: invalid username or password`),
      );
      assert.equal(
        JSON.parse((await v.cli(['vault', 'list', '--json'])).stdout).length,
        0,
        'nothing stored on failure',
      );
      const ok = await v.cli(
        ['login', registry.host, '--username', 'dave', '--password-stdin'],
        'dave-pass\n',
      );
      assert.equal(ok.code, 0, describeResult(ok));
      assert.match(
        ok.stdout,
        /Login Succeeded: .* \(Basic authentication accepted at http:\/\/127\.0\.0\.1:\d+\/v2\/\)/,
      );
      assert.equal(JSON.parse((await v.helper('get', registry.host)).stdout).Secret, 'dave-pass');

      const check = await v.cli(['vault', 'check']);
      assert.equal(check.code, 0, describeResult(check));
      assert.match(check.stdout, /valid/);
      await v.cli(['vault', 'edit', registry.host, '--password-stdin'], 'changed');
      const failing = await v.cli(['vault', 'check']);
      assert.equal(failing.code, 1);
      assert.match(failing.stdout, /invalid\s+invalid username or password/);
      assert.match(failing.stderr, /1 of 1 credentials failed the check/);
    } finally {
      await registry.stop();
    }
  });
});
