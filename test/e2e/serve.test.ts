/**
 * `purser serve` as a process: first start, configuration errors, graceful shutdown.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli, startPurser } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

test('an invalid configuration is reported as path: message lines, exit 2, nothing started', async (t) => {
  const dir = tempDir('purser-serve-bad-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  fs.writeFileSync(
    file,
    `listen: 127.0.0.1:1\ndata: ${dir}/data\ntoken: { lifetime: 10 }\nusers:\n  - { name: "42", colour: red }\n`,
  );
  const result = await purserCli(['serve', '--config', file]);
  assert.equal(result.code, 2, describeResult(result));
  assert.match(result.stderr, /users\[0\]\.colour: unknown key/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(fs.existsSync(path.join(dir, 'data')), false, 'nothing was created');
  const lifetime = await purserCli(['serve', '--config', file.replace('purser.yaml', 'missing.yaml')]);
  assert.equal(lifetime.code, 2);
  assert.match(lifetime.stderr, /cannot read/);
});

test('first start creates the data directory, keys and the admin; SIGTERM stops cleanly', async (t) => {
  const dir = tempDir('purser-serve-first-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const port = await freePort();
  fs.writeFileSync(file, `listen: 127.0.0.1:${port}\ndata: ${dir}/data\n`);
  const server = await startPurser({ configFile: file, env: { PURSER_ADMIN_PASSWORD: undefined } });
  const data = path.join(dir, 'data');
  assert.equal(fs.statSync(data).mode & 0o777, 0o700);
  const keyFiles = fs.readdirSync(path.join(data, 'keys'));
  assert.equal(keyFiles.length, 2, 'a key and its certificate');
  for (const name of [...keyFiles.map((f) => path.join('keys', f)), 'purser.db', 'master.key']) {
    assert.equal(fs.statSync(path.join(data, name)).mode & 0o777, 0o600, `${name} is 0600`);
  }
  const password = /password: (\S+)/.exec(server.logs())?.[1];
  assert.ok(password, 'the generated admin password is printed once');
  const response = await fetch(`${server.url}/api/v1/me`, {
    headers: { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` },
  });
  assert.equal(response.status, 200, 'the printed password logs in');
  await server.restart();
  assert.doesNotMatch(server.logs(), /password:/, 'not printed again');
  await server.stop();
  assert.equal(server.exitStatus()?.code, 0, server.logs());
});
