/**
 * The CLI items of issue 11, section 4, that were still wrong: `registry config` keeps the
 * notification secret unless told to rotate it, a registry URL given with `/v2/` is stored as
 * its base URL, and `serve` on a busy port says so before it creates a data directory or prints
 * an administrator password. Real `purser` processes on a temporary data directory.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';
import { openApiFixture } from './fixture.ts';

const SECRET_HEADER = 'X-Purser-Notify-Secret';

function notifySecretOf(yaml: string): string {
  const config = parse(yaml) as {
    notifications: { endpoints: { headers: Record<string, string[]> }[] };
  };
  const secret = config.notifications.endpoints[0]?.headers[SECRET_HEADER]?.[0];
  assert.ok(secret, `a notification secret in:\n${yaml}`);
  return secret;
}

describe('CLI hardening (issue 11, section 4)', () => {
  const data = tempDir('purser-cli-hardening-');
  const env = { PURSER_DATA: data };
  const cli = (args: string[]) => purserCli(args, { env });

  test('registry config keeps the notification secret; --rotate-notify-secret makes a new one', async () => {
    let r = await cli(['registry', 'add', 'registry.test', '--url', 'http://127.0.0.1:5000/v2/']);
    assert.equal(r.code, 0, describeResult(r));
    const first = await cli(['registry', 'config', 'registry.test']);
    assert.equal(first.code, 0, describeResult(first));
    const again = await cli(['registry', 'config', 'registry.test', '--bundle-out', join(data, 'b.pem')]);
    assert.equal(again.code, 0, describeResult(again));
    assert.equal(notifySecretOf(again.stdout), notifySecretOf(first.stdout), 'rerunning keeps the secret');
    const rotated = await cli(['registry', 'config', 'registry.test', '--rotate-notify-secret']);
    assert.equal(rotated.code, 0, describeResult(rotated));
    assert.notEqual(notifySecretOf(rotated.stdout), notifySecretOf(first.stdout));
    const after = await cli(['registry', 'config', 'registry.test']);
    assert.equal(notifySecretOf(after.stdout), notifySecretOf(rotated.stdout), 'the new one is kept');
    r = await cli(['registry', 'config', 'registry.test', '--format', 'bundle', '--rotate-notify-secret']);
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stderr, /--rotate-notify-secret goes with --format distribution/);
  });

  test('a registry URL ending in /v2/ is stored as its base URL', async () => {
    const r = await cli(['registry', 'show', 'registry.test', '--json']);
    assert.equal(r.code, 0, describeResult(r));
    assert.equal((JSON.parse(r.stdout) as { url: string }).url, 'http://127.0.0.1:5000');
    const f = await openApiFixture();
    try {
      const created = await f.admin('POST', '/api/v1/registries', {
        service: 'other.test',
        url: 'https://registry.example.com/v2',
      });
      assert.equal((created.json() as { url: string }).url, 'https://registry.example.com', created.body);
      const patched = await f.admin('PATCH', '/api/v1/registries/other.test', {
        url: 'https://registry.example.com:5443/v2//',
      });
      assert.equal(
        (patched.json() as { url: string }).url,
        'https://registry.example.com:5443',
        patched.body,
      );
    } finally {
      await f.close();
    }
  });

  test('serve on a busy port fails before creating data or printing a password', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const dir = tempDir('purser-busy-');
      const file = join(dir, 'purser.yaml');
      writeFileSync(file, `listen: 127.0.0.1:${port}\ndata: ${join(dir, 'data')}\n`, { mode: 0o600 });
      const r = await purserCli(['serve', '--config', file]);
      assert.equal(r.code, 7, describeResult(r));
      assert.match(
        r.stderr,
        new RegExp(
          `cannot listen on 127\\.0\\.0\\.1:${port} \\(the listen key\\): the address is already in use`,
        ),
      );
      assert.doesNotMatch(r.stdout + r.stderr, /password/i);
      assert.doesNotMatch(r.stderr, /unexpected error|creating a new data directory/);
      assert.equal(existsSync(join(dir, 'data')), false, 'no data directory was created');
    } finally {
      busy.close();
    }
  });
});
