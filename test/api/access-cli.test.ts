/**
 * `purser access …` and `purser config check` end to end: embedded mode on a temporary data
 * directory, and remote mode (--server) as a manager and as a plain user.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

describe('purser access (embedded mode)', () => {
  const data = tempDir('purser-access-cli-');
  const cli = (args: string[], input?: string) =>
    purserCli(args, { env: { PURSER_DATA: data }, ...(input === undefined ? {} : { input }) });

  test('who-can, what-can, diff --rules, config check and report', async () => {
    for (const args of [
      [
        'registry',
        'add',
        'registry.test',
        '--url',
        'http://127.0.0.1:5000',
        '--publication',
        'dev',
        '--responsible',
        'ops',
      ],
      [
        'user',
        'add',
        'alice',
        '--group',
        'dev',
        '--group',
        'ops',
        '--privilege',
        'puller',
        '--privilege',
        'pusher',
      ],
      ['user', 'add', 'bob', '--group', 'dev', '--privilege', 'puller', '--privilege', 'pusher'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 0, describeResult(r));
    }
    let r = await cli([
      'access',
      'who-can',
      'repository:team/*:push',
      '--registry',
      'registry.test',
      '--json',
    ]);
    assert.equal(r.code, 0, describeResult(r));
    assert.deepEqual(JSON.parse(r.stdout), [{ kind: 'user', name: 'alice', actions: ['push'] }]);
    r = await cli(['access', 'who-can', 'repository:team/web:pull,push', '--registry', 'registry.test']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^KIND\s+NAME\s+ACTIONS\nuser\s+alice\s+pull,push\nuser\s+bob\s+pull\n$/);

    r = await cli(['access', 'what-can', 'bob', '--registry', 'registry.test']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^REGISTRY\s+NAMESPACE\s+ACTION\s+GRANTED BY\n/);
    assert.match(
      r.stdout,
      /registry\.test\s+users\/bob\/\*\s+push\s+push allowed: users\/bob\/ is bob's own namespace/,
    );

    const rules = join(data, 'rules.yaml');
    writeFileSync(
      rules,
      "- { id: bob-team, effect: allow, actions: [push], repository: 'team/**', principals: { accounts: [bob] } }\n",
    );
    r = await cli(['access', 'diff', '--rules', rules]);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /registry\.test\s+user\s+bob\s+team\/\*\*\s+pull\s+pull,push,delete/);
    assert.match(r.stderr, /nothing was applied/);
    const next = join(data, 'purser.new.yaml');
    writeFileSync(next, 'users:\n  - { name: bob, groups: [dev, ops], privileges: [puller, pusher] }\n');
    r = await cli(['config', 'check', next, '--json']);
    assert.equal(r.code, 0, describeResult(r));
    const checked = JSON.parse(r.stdout) as {
      changes: { name: string; namespace: string; after: string[] }[];
    };
    assert.ok(checked.changes.some((c) => c.name === 'bob' && c.namespace === 'groups/ops/*'));
    r = await cli(['access', 'diff', '--config', next, '--json']);
    assert.deepEqual(JSON.parse(r.stdout), checked.changes, 'config check shows the same diff');
    writeFileSync(next, 'users:\n  - { nme: bob }\n');
    r = await cli(['config', 'check', next]);
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stderr, /users\/0|users\[0\]/);

    r = await cli(['access', 'report', '--registry', 'registry.test', '--format', 'html']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^<!doctype html>/);
    assert.match(r.stdout, /Group dev \(2 members\)/);
    r = await cli(['access', 'diff']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /exactly one of --config FILE and --rules FILE/);
  });
});

describe('purser access (remote mode)', () => {
  let server: PurserServer | undefined;
  before(async () => {
    const dir = tempDir('purser-access-remote-');
    const port = await freePort();
    const configFile = join(dir, 'purser.yaml');
    writeFileSync(
      configFile,
      `listen: 127.0.0.1:${port}\ndata: ${join(dir, 'data')}\npublic_url: http://127.0.0.1:${port}\nusers:\n  - { name: mia, password: mia-password, groups: [ops], privileges: [manager] }\n  - { name: bob, password: bob-password, groups: [dev], privileges: [puller] }\nregistries:\n  - { service: registry.test, url: 'http://127.0.0.1:5000', publications: [dev], responsibles: [ops] }\n`,
    );
    server = await startPurser({ configFile, env: { PURSER_ADMIN_PASSWORD: 'admin-password' } });
  });
  after(() => server?.stop());

  test('a responsible manager may review; a plain user is refused', async () => {
    let r = await purserCli(
      [
        '--server',
        server!.url,
        'access',
        'who-can',
        'repository:x/y:pull',
        '--registry',
        'registry.test',
        '--json',
      ],
      { env: { PURSER_USERNAME: 'mia', PURSER_PASSWORD: 'mia-password' } },
    );
    assert.equal(r.code, 0, describeResult(r));
    assert.deepEqual(
      (JSON.parse(r.stdout) as { name: string }[]).map((e) => e.name),
      ['admin', 'bob'],
    );
    r = await purserCli(['--server', server!.url, 'access', 'report', '--registry', 'registry.test'], {
      env: { PURSER_USERNAME: 'bob', PURSER_PASSWORD: 'bob-password' },
    });
    assert.equal(r.code, 4, describeResult(r));
    assert.match(r.stderr, /only administrators and registry managers/);
  });
});
