/**
 * The CLI's local mode (the data directory opened in the command's own process) with an
 * identity source whose secret file cannot be read: commands that do not use that source work
 * (`purser user list`), and the ones that do fail with a message naming the source's place in
 * the file and the file, never its content. `purser serve` still refuses to start with it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

describe('an unreadable identity-source secret file in local mode', { concurrency: false }, () => {
  let dir: string;
  let config: string;
  const missing = (name: string) => join(dir, 'secrets', name);
  const cli = (...args: string[]) => purserCli(['--config', config, ...args]);

  before(async () => {
    dir = tempDir('purser-secret-file-');
    config = join(dir, 'purser.yaml');
    writeFileSync(
      config,
      stringify({
        data: join(dir, 'data'),
        listen: `127.0.0.1:${await freePort()}`,
        groups: [{ name: 'dev' }],
        identity: {
          sources: [
            {
              name: 'corp',
              kind: 'ldap',
              // Nothing listens there: the source is never reached in this test.
              url: 'ldap://127.0.0.1:9',
              bind_dn: 'cn=purser,dc=example,dc=org',
              bind_password_file: missing('ldap'),
              user_base: 'ou=people,dc=example,dc=org',
              groups: { 'registry-devs': 'dev' },
              timeout: 1,
            },
            {
              name: 'otp',
              kind: 'radius',
              address: '127.0.0.1:9',
              secret_file: missing('radius'),
              groups_attribute: 'Filter-Id',
              groups: { 'radius-devs': 'dev' },
              timeout: 1,
            },
            {
              name: 'sso',
              kind: 'oidc',
              issuer: 'http://127.0.0.1:9',
              client_id: 'purser',
              client_secret_file: missing('oidc'),
              groups: { 'registry-devs': 'dev' },
              timeout: 1,
            },
          ],
        },
      }),
      { mode: 0o600 },
    );
  });
  after(() => removeTempDir(dir));

  test('purser user list works', async () => {
    const r = await cli('user', 'list');
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^NAME\s.*\sSOURCE$/m);
  });

  test('purser identity list names each broken source and its file', async () => {
    const r = await cli('identity', 'list');
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /corp\s+ldap\s+down: identity\.sources\[0\]\.bind_password_file: cannot read/);
    assert.ok(r.stdout.includes(missing('ldap')), r.stdout);
    assert.match(r.stdout, /otp\s+radius\s+down: identity\.sources\[1\]\.secret_file: cannot read/);
  });

  test('purser identity check and sync fail for that source, naming the file', async () => {
    let r = await cli('identity', 'check', '--source', 'corp');
    assert.equal(r.code, 7, describeResult(r));
    assert.match(r.stdout, /corp\s+ldap\s+DOWN/);
    assert.ok(r.stdout.includes(`cannot read the secret file ${missing('ldap')} (ENOENT)`), r.stdout);
    r = await cli('identity', 'sync', '--source', 'corp');
    assert.notEqual(r.code, 0, describeResult(r));
    assert.match(r.stderr, /identity\.sources\[0\]\.bind_password_file: cannot read the secret file/);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  });

  test('purser login --sso fails naming the client secret file', async () => {
    const r = await cli('login', '--sso', '127.0.0.1:9');
    assert.notEqual(r.code, 0, describeResult(r));
    assert.match(r.stderr, /identity\.sources\[2\]\.client_secret_file: cannot read the secret file/);
    assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  });

  test('purser serve refuses to start with it', async () => {
    const r = await cli('serve');
    assert.notEqual(r.code, 0, describeResult(r));
    assert.match(r.stderr, /identity\.sources\[0\]\.bind_password_file: cannot read the secret file/);
    assert.match(r.stderr, /identity\.sources\[1\]\.secret_file: cannot read the secret file/);
  });
});
