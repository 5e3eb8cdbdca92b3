import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { defaultDataDir } from '../app/locations.cts';
import type { ConfigInvalid } from '../domain/errors.ts';
import { DEFAULT_LOGIN_THROTTLE } from '../identity/login-throttle.ts';
import { loadConfigFile, parseConfig } from './load.ts';

const EXAMPLE = `
listen: 127.0.0.1:5001
data: ./purser-data
public_url: http://127.0.0.1:5001
token: { issuer: purser, lifetime: 300 }
mode: private
groups:
  - { name: dev, id: 10 }
users:
  - name: alice
    id: 1
    password: alice-pw
    groups: [dev, ops]
    privileges: [DockerRegistriesPuller, DockerRegistriesPusher]
    admin: false
apps:
  - { name: shop, id: 20, publications: [dev], responsibles: [ops] }
services:
  - { name: node1.example.com, app: shop, secret: node1-secret }
robots:
  - { name: ci+builder, secret: robot-secret, repositories: [team/web, team/api], permission: write, expires: 2027-12-31 }
registries:
  - service: registry.test
    url: http://127.0.0.1:5000
    insecure: true
    restricted: false
    publications: [dev]
    responsibles: [ops]
`;

function problems(text: string): string[] {
  try {
    parseConfig(text, 'test.yaml', {});
  } catch (error) {
    assert.equal((error as ConfigInvalid).code, 'CONFIG_INVALID');
    return [...(error as ConfigInvalid).problems];
  }
  assert.fail('expected the configuration to be refused');
}

describe('configuration', () => {
  test('the documented example is valid and normalized', () => {
    const config = parseConfig(EXAMPLE, 'test.yaml', {});
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 5001 });
    assert.equal(config.token.lifetime, 300);
    assert.equal(config.publicUrl, 'http://127.0.0.1:5001');
    assert.equal(config.mode, 'private');
    assert.ok(Object.isFrozen(config.declared.users), 'the configuration is deep-frozen');
  });

  test('defaults: 127.0.0.1:5001, the default data directory, issuer purser, 300 s, token reuse on', () => {
    const config = parseConfig('', undefined, {});
    assert.deepEqual(config.listen, { host: '127.0.0.1', port: 5001 });
    assert.equal(config.dataDir, defaultDataDir({}).dataDir);
    assert.deepEqual(config.token, { issuer: 'purser', lifetime: 300, reuse: true });
    assert.equal(config.databaseUrl, undefined);
  });

  test('every problem is reported as path: message', () => {
    const found = problems(`
listen: nowhere
colour: blue
token: { lifetime: 30 }
mode: open
users:
  - { name: "123", password: a, password_hash: "$argon2id$x", privileges: [Admin] }
  - { name: bob, extra: 1 }
robots:
  - { name: r+1, secret: s, repositories: [], permission: write, expires: someday }
registries:
  - { service: a, url: "ftp://x" }
  - { service: a, url: "http://x" }
services:
  - { name: bob, app: nope, secret: x }
`);
    const expected = [
      /^colour: unknown key$/,
      /^mode: /,
      /^users\[1\]\.extra: unknown key$/,
      /^robots\[0\]\.repositories: /,
    ];
    for (const pattern of expected)
      assert.ok(
        found.some((p) => pattern.test(p)),
        `missing ${pattern} in\n${found.join('\n')}`,
      );
  });

  test('semantic problems are all reported together', () => {
    const found = problems(`
listen: nowhere
token: { lifetime: 30 }
users:
  - { name: "123", password: a, password_hash: "$argon2id$x", privileges: [Admin] }
robots:
  - { name: r+1, secret: s, repositories: [a], permission: write, expires: someday }
registries:
  - { service: a, url: "ftp://x" }
  - { service: a, url: "http://x" }
services:
  - { name: r+1, app: nope, secret: x }
`);
    const expected = [
      /^listen: expected HOST:PORT/,
      /^token\.lifetime: must be at least 60 seconds/,
      /^users\[0\]\.name: must not be all digits/,
      /^users\[0\]: give password or password_hash, not both/,
      /^users\[0\]\.privileges\[0\]: unknown privilege "Admin"/,
      /^robots\[0\]\.expires: expected a date/,
      /^registries\[0\]\.url: expected an http/,
      /^registries\[1\]\.service: duplicate registry "a"/,
      /^services\[0\]\.app: unknown app "nope"/,
      /: the name "r\+1" is already used by /,
    ];
    for (const pattern of expected)
      assert.ok(
        found.some((p) => pattern.test(p)),
        `missing ${pattern} in\n${found.join('\n')}`,
      );
  });

  test('privilege aliases are accepted', () => {
    parseConfig('users:\n  - { name: a, privileges: [puller, pusher, manager] }\n', undefined, {});
  });

  test('YAML syntax errors and duplicate keys are refused', () => {
    assert.ok(problems('users: [').length > 0);
    assert.ok(problems('mode: private\nmode: public\n').length > 0);
  });

  test('a non-postgres database URL is refused', () => {
    assert.ok(problems('database: mysql://x\n').some((p) => p.startsWith('database:')));
  });
});

describe('configuration problems in the words of the file', () => {
  test('a misspelt mode names the values it may take and the one given', () => {
    assert.deepEqual(problems('mode: privat\n'), ['mode: expected private or public, got "privat"']);
  });

  test('a number where text is expected says what form is wanted', () => {
    assert.deepEqual(problems('listen: 5001\n'), [
      'listen: expected HOST:PORT, for example 127.0.0.1:5001, got the number 5001',
    ]);
  });

  test('schema and semantic problems come in one round', () => {
    const found = problems(`
mode: privat
token: { lifetime: 30 }
users:
  - { name: "123" }
  - { name: bob, colour: blue }
  - { name: carol, groups: [dev], privileges: [Admin] }
robots:
  - { name: r+1, repositories: [a], permission: write }
`);
    assert.deepEqual(found, [
      'token.lifetime: must be at least 60 seconds (got 30)',
      'mode: expected private or public, got "privat"',
      'users[1].colour: unknown key',
      'robots[0].secret: missing (required: text)',
      'users[0].name: must not be all digits',
      'users[2].privileges[0]: unknown privilege "Admin" (use DockerRegistriesPuller, DockerRegistriesPusher, DockerRegistriesManager)',
    ]);
  });

  test('environment defaults are checked and named', () => {
    assert.deepEqual(
      (() => {
        try {
          parseConfig('', undefined, { PURSER_LOG_LEVEL: 'loud' });
        } catch (error) {
          return [...(error as ConfigInvalid).problems];
        }
        return [];
      })(),
      ['PURSER_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    );
    assert.equal(parseConfig('', undefined, { PURSER_LOG_LEVEL: 'debug' }).logLevel, 'debug');
    assert.equal(
      parseConfig('log: { level: warn }\n', undefined, { PURSER_LOG_LEVEL: 'debug' }).logLevel,
      'warn',
    );
  });
});

describe('configuration warnings', () => {
  const codes = (text: string) => parseConfig(text, undefined, {}).warnings.map((w) => `${w.code} ${w.path}`);

  test('the defaults are quiet', () => {
    assert.deepEqual(codes(''), []);
  });

  test('public mode, plain-http URLs off the machine, passwords in clear', () => {
    assert.deepEqual(
      codes(`
mode: public
public_url: http://purser.example.com
users:
  - { name: alice, password: alice-pw }
  - { name: bob, password_hash: "$2y$10$abcdefghijklmnopqrstuv" }
registries:
  - { service: a, url: "http://127.0.0.1:5000" }
  - { service: b, url: "http://registry.lan:5000" }
`),
      [
        'PUBLIC_MODE mode',
        'PLAIN_HTTP_PUBLIC_URL public_url',
        'PLAIN_HTTP_REGISTRY registries[1].url',
        'PLAINTEXT_PASSWORD users[0].password',
      ],
    );
    assert.deepEqual(codes('listen: 0.0.0.0:5001\n'), [
      'PLAIN_HTTP_PUBLIC_URL public_url (from listen)',
      'PLAIN_HTTP_LISTEN listen',
    ]);
    // Behind a TLS proxy the hop from the proxy to Purser is still in clear: said, once.
    assert.deepEqual(codes('listen: 0.0.0.0:5001\npublic_url: https://purser.example.com\n'), [
      'PLAIN_HTTP_LISTEN listen',
    ]);
    assert.deepEqual(
      codes(
        'listen: 0.0.0.0:5001\npublic_url: https://purser.example.com\ntls: { cert_file: c.pem, key_file: k.pem }\n',
      ),
      [],
    );
  });

  test('a file with secrets that others can read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-config-'));
    const file = path.join(dir, 'purser.yaml');
    try {
      fs.writeFileSync(file, 'services:\n  - { name: node1, secret: node1-secret-0123456789 }\n', {
        mode: 0o644,
      });
      fs.chmodSync(file, 0o644);
      assert.deepEqual(
        loadConfigFile(file, {}).warnings.map((w) => w.code),
        ['CONFIG_FILE_READABLE'],
      );
      fs.chmodSync(file, 0o600);
      assert.deepEqual(loadConfigFile(file, {}).warnings, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('login_throttle', () => {
  test('the defaults are the throttle module’s, and settings are taken in seconds', () => {
    assert.deepEqual(parseConfig('', undefined, {}).loginThrottle, DEFAULT_LOGIN_THROTTLE);
    const config = parseConfig(
      'login_throttle: { free_failures: 2, base_delay: 3, max_delay: 60, address_failures: 7 }\n',
      undefined,
      {},
    );
    assert.deepEqual(config.loginThrottle, {
      ...DEFAULT_LOGIN_THROTTLE,
      freeFailures: 2,
      baseDelayMs: 3_000,
      maxDelayMs: 60_000,
      addressFailures: 7,
    });
  });

  test('a wrong setting is named with its key, with the others, in one round', () => {
    assert.throws(
      () =>
        parseConfig('login_throttle: { free_failures: 0, global_window: soon, lockout: 5 }\n', undefined, {}),
      (error: unknown) => {
        const problems = (error as ConfigInvalid).problems.join('\n');
        return (
          /login_throttle\.free_failures/.test(problems) &&
          /login_throttle\.global_window/.test(problems) &&
          /login_throttle\.lockout/.test(problems)
        );
      },
    );
  });
});
