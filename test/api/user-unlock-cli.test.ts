/**
 * `purser user unlock NAME` against a running `purser serve` with `login_throttle:` settings:
 * remote (--server) and local (the same configuration file, another process), each reaching
 * the server's throttle; the throttled login answers 429 with Retry-After until then.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

describe('purser user unlock', () => {
  const dir = tempDir('purser-unlock-');
  const configFile = join(dir, 'purser.yaml');
  let server: PurserServer | undefined;
  before(async () => {
    const port = await freePort();
    writeFileSync(
      configFile,
      `listen: 127.0.0.1:${port}
data: ${join(dir, 'data')}
public_url: http://127.0.0.1:${port}
login_throttle: { free_failures: 2, base_delay: 600, max_delay: 600 }
users:
  - { name: bob, password: bob-password, groups: [dev], privileges: [puller] }
registries:
  - { service: registry.test, url: 'http://127.0.0.1:5000', publications: [dev] }
`,
    );
    server = await startPurser({ configFile, env: { PURSER_ADMIN_PASSWORD: 'admin-password' } });
  });
  after(() => {
    server?.stop();
    removeTempDir(dir);
  });

  const login = (password: string) =>
    fetch(`${server!.url}/token?service=registry.test`, {
      headers: { authorization: `Basic ${Buffer.from(`bob:${password}`).toString('base64')}` },
    });
  const throttleBob = async () => {
    for (let i = 0; i < 3; i++) assert.equal((await login(`wrong-${i}`)).status, 401);
    const waiting = await login('bob-password');
    assert.equal(waiting.status, 429);
    assert.equal(waiting.headers.get('retry-after'), '600');
  };

  test('remote: an administrator unlocks, and the right password works at once', async () => {
    await throttleBob();
    const r = await purserCli(['--server', server!.url, 'user', 'unlock', 'bob'], {
      env: { PURSER_USERNAME: 'admin', PURSER_PASSWORD: 'admin-password' },
    });
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stderr + r.stdout, /unlocked user bob/);
    assert.equal((await login('bob-password')).status, 200);
  });

  test('local: the CLI on the same configuration reaches the server within its poll', async () => {
    // The right password is cached since the first test (a cached check is not an attempt): a
    // new password puts it out of the way.
    const r0 = await purserCli(['--config', configFile, 'user', 'passwd', 'bob', '--password-stdin'], {
      input: 'bob-new-password\n',
    });
    assert.equal(r0.code, 0, describeResult(r0));
    for (let i = 0; i < 3; i++) await login(`wrong-again-${i}`);
    assert.equal((await login('bob-new-password')).status, 429);
    const r = await purserCli(['--config', configFile, 'user', 'unlock', 'bob']);
    assert.equal(r.code, 0, describeResult(r));
    let status = 0;
    for (let i = 0; i < 40 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      status = (await login('bob-new-password')).status;
    }
    assert.equal(status, 200, 'the server applied the unlock');
  });

  test('unknown users and --help', async () => {
    const r = await purserCli(['--server', server!.url, 'user', 'unlock', 'nobody'], {
      env: { PURSER_USERNAME: 'admin', PURSER_PASSWORD: 'admin-password' },
    });
    assert.equal(r.code, 5, describeResult(r));
    assert.match(r.stderr, /no user named "nobody"/);
    const help = await purserCli(['user', 'unlock', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /login_throttle/);
    assert.match(help.stdout, /purser user unlock alice/);
  });
});
