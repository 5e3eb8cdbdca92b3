/**
 * The management CLI end to end: embedded mode on a temporary data directory (PURSER_DATA),
 * and remote mode (--server) against a running `purser serve`.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

describe('management CLI (embedded mode)', () => {
  const data = tempDir('purser-cli-');
  const cli = (args: string[], input?: string) =>
    purserCli(args, { env: { PURSER_DATA: data }, ...(input === undefined ? {} : { input }) });

  test('user, registry, robot, explain, rules and keys commands', async () => {
    let r = await cli(
      [
        'user',
        'add',
        'alice',
        '--password-stdin',
        '--group',
        'dev',
        '--privilege',
        'puller',
        '--privilege',
        'pusher',
      ],
      'alice-password\n',
    );
    assert.equal(r.code, 0, describeResult(r));
    r = await cli(['user', 'list', '--json']);
    assert.equal(r.code, 0, describeResult(r));
    const users = JSON.parse(r.stdout) as { name: string; groups: string[]; password: string }[];
    assert.deepEqual(
      users.map((u) => [u.name, u.groups, u.password]),
      [['alice', ['dev'], 'argon2id']],
    );

    r = await cli(['user', 'update', 'alice', '--group', 'ops', '--group', 'dev', '--privilege', 'manager']);
    assert.equal(r.code, 0, describeResult(r));
    r = await cli(['user', 'show', 'alice', '--json']);
    assert.deepEqual(JSON.parse(r.stdout).groups, ['ops', 'dev']);
    assert.deepEqual(JSON.parse(r.stdout).privileges, ['DockerRegistriesManager']);
    r = await cli([
      'user',
      'update',
      'alice',
      '--group',
      'dev',
      '--privilege',
      'puller',
      '--privilege',
      'pusher',
    ]);
    assert.equal(r.code, 0, describeResult(r));

    r = await cli(['user', 'add', '1234']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^purser: .*must not be all digits/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');

    r = await cli([
      'registry',
      'add',
      'registry.test',
      '--url',
      'http://127.0.0.1:5000',
      '--insecure',
      '--publication',
      'dev',
      '--responsible',
      'ops',
    ]);
    assert.equal(r.code, 0, describeResult(r));
    const bundleFile = join(data, 'bundle.pem');
    r = await cli([
      'registry',
      'config',
      'registry.test',
      '--format',
      'distribution',
      '--rootcertbundle',
      '/certs/purser.pem',
      '--bundle-out',
      bundleFile,
    ]);
    assert.equal(r.code, 0, describeResult(r));
    const config = parse(r.stdout) as { auth: { token: Record<string, string> } };
    assert.deepEqual(config.auth.token, {
      realm: 'http://127.0.0.1:5001/token',
      service: 'registry.test',
      issuer: 'purser',
      rootcertbundle: '/certs/purser.pem',
    });
    const { readFileSync } = await import('node:fs');
    assert.doesNotThrow(() => new crypto.X509Certificate(readFileSync(bundleFile, 'utf8')));
    r = await cli(['registry', 'config', 'registry.test', '--format', 'jwks']);
    assert.equal((JSON.parse(r.stdout) as { keys: unknown[] }).keys.length, 1);

    r = await cli([
      'robot',
      'add',
      'ci+builder',
      '--repository',
      'team/web',
      '--permission',
      'write',
      '--expires',
      '2099-12-31',
    ]);
    assert.equal(r.code, 0, describeResult(r));
    const secret = r.stdout.trim();
    assert.match(secret, /^[A-Za-z0-9_-]{24,}$/, 'stdout is the secret alone');
    r = await cli(['robot', 'regenerate', 'ci+builder']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^[A-Za-z0-9_-]{24,}\n$/, 'stdout is the new secret and nothing else');
    assert.notEqual(r.stdout.trim(), secret);
    r = await cli(['robot', 'list']);
    assert.doesNotMatch(r.stdout, new RegExp(secret));

    r = await cli([
      'explain',
      '--account',
      'alice',
      '--service',
      'registry.test',
      '--scope',
      'repository:team/web:pull,push',
    ]);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /pull allowed: .*\[seed: registry-groups\]/);
    assert.match(r.stdout, /push denied: .*\[seed: responsible\]/);
    r = await cli([
      'explain',
      '--account',
      'ghost',
      '--service',
      'registry.test',
      '--scope',
      'repository:team/web:pull',
    ]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /no user, service or robot named "ghost"/);

    const rulesFile = join(data, 'rules.yaml');
    writeFileSync(
      rulesFile,
      '- id: no-web-push\n  effect: deny\n  actions: [push]\n  repository: team/web\n- effect: sometimes\n  actions: [pull]\n',
    );
    r = await cli(['rules', 'set', rulesFile]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rules\[1\]\.effect: must be "allow" or "deny"/);
    writeFileSync(
      rulesFile,
      '- id: no-web-push\n  effect: deny\n  actions: [push]\n  repository: team/web\n',
    );
    r = await cli(['rules', 'set', rulesFile]);
    assert.equal(r.code, 0, describeResult(r));
    r = await cli(['rules', 'list']);
    assert.deepEqual(parse(r.stdout), [
      { id: 'no-web-push', effect: 'deny', actions: ['push'], repository: 'team/web' },
    ]);

    r = await cli(['keys', 'rotate']);
    assert.equal(r.code, 0, describeResult(r));
    const kid = r.stdout.trim();
    r = await cli(['keys', 'list', '--json']);
    const keys = JSON.parse(r.stdout) as { kid: string; state: string }[];
    assert.deepEqual(
      keys.map((k) => k.state),
      ['active', 'published'],
    );
    assert.equal(keys[0]!.kid, kid);
  });

  test('--help teaches with examples', async () => {
    for (const group of ['user', 'registry', 'robot', 'explain', 'rules', 'keys']) {
      const r = await cli([group, '--help']);
      assert.equal(r.code, 0, describeResult(r));
      assert.match(r.stdout, /Examples?\b[^\n]*:\n {2}purser /, group);
    }
    const r = await cli(['registry', 'config', '--help']);
    assert.match(r.stdout, /--bundle-out/);
    assert.match(r.stdout, /distribution \| bundle \| jwks/);
  });
});

describe('management CLI (remote mode)', () => {
  let server: PurserServer | undefined;
  before(async () => {
    const dir = tempDir('purser-cli-remote-');
    const port = await freePort();
    const configFile = join(dir, 'purser.yaml');
    writeFileSync(
      configFile,
      `listen: 127.0.0.1:${port}\ndata: ${join(dir, 'data')}\npublic_url: http://127.0.0.1:${port}\nusers:\n  - { name: mia, password: mia-password, groups: [ops], privileges: [manager] }\nregistries:\n  - { service: registry.test, url: 'http://127.0.0.1:5000', publications: [dev], responsibles: [ops] }\n`,
    );
    server = await startPurser({ configFile, env: { PURSER_ADMIN_PASSWORD: 'admin-password' } });
  });
  after(() => server?.stop());

  test('--server with PURSER_USERNAME/PURSER_PASSWORD, authorized per caller', async () => {
    const asAdmin = { PURSER_USERNAME: 'admin', PURSER_PASSWORD: 'admin-password' };
    let r = await purserCli(
      ['--server', server!.url, 'user', 'add', 'bob', '--password-stdin', '--group', 'dev'],
      { env: asAdmin, input: 'bob-password\n' },
    );
    assert.equal(r.code, 0, describeResult(r));
    r = await purserCli(['--server', server!.url, 'user', 'show', 'bob', '--json'], { env: asAdmin });
    assert.equal((JSON.parse(r.stdout) as { groups: string[] }).groups[0], 'dev');

    const asMia = { PURSER_USERNAME: 'mia', PURSER_PASSWORD: 'mia-password' };
    r = await purserCli(['--server', server!.url, 'registry', 'list', '--json'], { env: asMia });
    assert.equal(r.code, 0, describeResult(r));
    assert.deepEqual(
      (JSON.parse(r.stdout) as { service: string }[]).map((x) => x.service),
      ['registry.test'],
    );
    r = await purserCli(['--server', server!.url, 'user', 'list'], { env: asMia });
    assert.equal(r.code, 4, describeResult(r));
    assert.match(r.stderr, /only administrators/);
    r = await purserCli(['--server', server!.url, 'user', 'list'], {
      env: { PURSER_USERNAME: 'mia', PURSER_PASSWORD: 'wrong' },
    });
    assert.equal(r.code, 3, describeResult(r));
    assert.match(r.stderr, /refused PURSER_USERNAME=mia with PURSER_PASSWORD/);
    r = await purserCli(['--server', server!.url, 'user', 'list'], {
      env: { PURSER_USERNAME: undefined, PURSER_PASSWORD: undefined, PURSER_TOKEN: undefined },
    });
    assert.equal(r.code, 3, describeResult(r));
    assert.match(r.stderr, /set PURSER_USERNAME and PURSER_PASSWORD \(or PURSER_TOKEN\)/);
    r = await purserCli(['--server', server!.url, 'user', 'passwd', 'mia', '--password-stdin'], {
      env: asMia,
      input: 'mia-new-password\n',
    });
    assert.equal(r.code, 0, describeResult(r));
  });
});
