/**
 * The installed `docker-credential-purser` (bin/ shim → dist/, built by `npm ci`/`npm run
 * build`): run the way docker runs it, directly and through a symlink as npm installs it; with
 * NODE_EXTRA_CA_CERTS set, a local `get` still answers, and a remote `get` over TLS still trusts
 * the extra CA (the shim sets the variable aside for Node's start, the helper restores it for
 * the remote call).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireBinary } from '../support/binaries.ts';
import { describeResult, run } from '../support/proc.ts';
import { tempDir } from '../support/temp.ts';
import { selfSignedCertificate } from '../support/tls.ts';

const SHIM = fileURLToPath(new URL('../../bin/docker-credential-purser', import.meta.url));
const COMPILED = fileURLToPath(new URL('../../dist/cli/credential-helper.cjs', import.meta.url));

describe('the installed docker-credential-purser', { timeout: 120_000 }, () => {
  before(() => {
    // npm ci builds dist/ (prepare); a missing build is a broken install, never a skip.
    assert.ok(existsSync(COMPILED), `${COMPILED} is missing: run npm run build`);
  });

  test('store, get, list and erase from the local vault, directly and through a symlink', async () => {
    const dataDir = join(tempDir('purser-shim-'), 'data');
    const env = { PURSER_DATA: dataDir, PURSER_CONFIG: undefined, PURSER_URL: undefined };
    const creds = { ServerURL: 'https://registry.shim.test:5000/v2/', Username: 'ci', Secret: 's3cr3t' };
    const stored = await run(SHIM, ['store'], { env, input: JSON.stringify(creds) });
    assert.equal(stored.code, 0, describeResult(stored));

    const links = tempDir('purser-shim-bin-');
    const link = join(links, 'docker-credential-purser');
    symlinkSync(SHIM, link);
    for (const command of [SHIM, link]) {
      for (const ca of [undefined, '/etc/ssl/certs/ca-certificates.crt']) {
        const got = await run(command, ['get'], {
          env: { ...env, NODE_EXTRA_CA_CERTS: ca },
          input: 'registry.shim.test:5000\n',
        });
        assert.equal(got.code, 0, describeResult(got));
        assert.equal(
          got.stdout,
          '{"ServerURL":"registry.shim.test:5000","Username":"ci","Secret":"s3cr3t"}\n',
        );
      }
    }
    const listed = await run(link, ['list'], { env });
    assert.equal(listed.stdout, '{"registry.shim.test:5000":"ci"}\n', describeResult(listed));
    const erased = await run(link, ['erase'], { env, input: 'registry.shim.test:5000\n' });
    assert.equal(erased.code, 0, describeResult(erased));
    const missing = await run(link, ['get'], { env, input: 'registry.shim.test:5000\n' });
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, 'credentials not found in native keychain\n');
  });

  test('a remote get over TLS trusts the CA given in NODE_EXTRA_CA_CERTS', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const dir = tempDir('purser-shim-tls-');
    const tls = await selfSignedCertificate(dir, { commonName: '127.0.0.1', subjectAltName: 'IP:127.0.0.1' });
    const seen: string[] = [];
    const server = https.createServer(
      { key: readFileSync(tls.keyFile), cert: readFileSync(tls.certFile) },
      (req, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ address: 'registry.shim.test', username: 'robot', secret: 'from-remote' }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const env = {
        PURSER_URL: `https://127.0.0.1:${port}`,
        PURSER_USERNAME: 'ci+robot',
        PURSER_PASSWORD: 'robot-secret',
        PURSER_DATA: undefined,
        PURSER_CONFIG: undefined,
      };
      const trusted = await run(SHIM, ['get'], {
        env: { ...env, NODE_EXTRA_CA_CERTS: tls.certFile },
        input: 'registry.shim.test\n',
      });
      assert.equal(trusted.code, 0, describeResult(trusted));
      assert.equal(
        trusted.stdout,
        '{"ServerURL":"registry.shim.test","Username":"robot","Secret":"from-remote"}\n',
      );
      assert.match(
        seen[0] ?? '',
        /^GET \/api\/v1\/environments\/default\/credential-lookup\?server=registry\.shim\.test Basic /,
      );

      const untrusted = await run(SHIM, ['get'], {
        env: { ...env, NODE_EXTRA_CA_CERTS: undefined },
        input: 'registry.shim.test\n',
      });
      assert.equal(untrusted.code, 1, describeResult(untrusted));
      assert.match(untrusted.stdout, /^cannot reach Purser at https:\/\/127\.0\.0\.1:\d+/);
      assert.equal(seen.length, 1, 'the untrusted call must not complete a request');
    } finally {
      server.close();
    }
  });
});
