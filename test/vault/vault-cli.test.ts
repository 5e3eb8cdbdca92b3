/**
 * The vault CLI in local mode: lifecycle (add/list/show/edit/deactivate/activate/rm), the one
 * address per environment rule and Docker Hub aliases, settings (default registry, allowlist),
 * grants, encryption at rest (the database alone reveals nothing) and master-key rotation.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { vaultFixture } from './vault-fixture.ts';

const SECRET = 'Zq9-unique-secret-7781';

function dbBytes(dataDir: string): Buffer {
  return Buffer.concat(
    readdirSync(dataDir)
      .filter((f) => f.startsWith('purser.db'))
      .map((f) => readFileSync(join(dataDir, f))),
  );
}

describe('purser vault (local mode)', () => {
  test('lifecycle: add, list, show, edit, deactivate, activate, rm', async () => {
    const v = vaultFixture();
    const add = await v.cli(
      ['vault', 'add', 'registry.example.com:5000', '--username', 'ci', '--password-stdin'],
      `${SECRET}\n`,
    );
    assert.equal(add.code, 0, describeResult(add));
    assert.match(
      add.stdout,
      /stored basic credential for registry\.example\.com:5000 \(user ci\) in environment default/,
    );

    const list = await v.cli(['vault', 'list']);
    assert.equal(list.code, 0, describeResult(list));
    assert.match(list.stdout, /^ADDRESS\s+USERNAME\s+KIND\s+STATE\s+UPDATED\s+BY\n/);
    assert.match(list.stdout, /registry\.example\.com:5000\s+ci\s+basic\s+active/);
    assert.ok(!list.stdout.includes(SECRET));

    const show = await v.cli(['vault', 'show', 'registry.example.com:5000']);
    assert.equal(show.code, 0, describeResult(show));
    assert.match(show.stdout, /secret:\s+\(stored, encrypted; never shown\)/);
    assert.ok(!show.stdout.includes(SECRET));
    const json = await v.cli(['vault', 'show', 'registry.example.com:5000', '--json']);
    assert.ok(!json.stdout.includes(SECRET));
    assert.equal(JSON.parse(json.stdout).hasSecret, true);

    const edit = await v.cli(['vault', 'edit', 'registry.example.com:5000', '--username', 'ci2']);
    assert.equal(edit.code, 0, describeResult(edit));
    const got = await v.helper('get', 'registry.example.com:5000');
    assert.equal(
      got.stdout,
      `{"ServerURL":"registry.example.com:5000","Username":"ci2","Secret":"${SECRET}"}\n`,
      'editing the user name keeps the secret',
    );

    const deactivate = await v.cli(['vault', 'deactivate', 'registry.example.com:5000']);
    assert.equal(deactivate.code, 0, describeResult(deactivate));
    assert.match(
      (await v.cli(['vault', 'list'])).stdout,
      /registry\.example\.com:5000\s+ci2\s+basic\s+deactivated/,
    );
    const refused = await v.helper('get', 'registry.example.com:5000');
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, 'registry registry.example.com:5000 is deactivated\n');
    const exportRefused = await v.cli(['export', 'docker-config', '--registry', 'registry.example.com:5000']);
    assert.equal(exportRefused.code, 4);
    assert.equal(exportRefused.stderr, 'purser: registry registry.example.com:5000 is deactivated\n');

    assert.equal((await v.cli(['vault', 'activate', 'registry.example.com:5000'])).code, 0);
    assert.equal((await v.helper('get', 'registry.example.com:5000')).code, 0);

    const rm = await v.cli(['vault', 'rm', 'registry.example.com:5000']);
    assert.equal(rm.code, 0, describeResult(rm));
    assert.equal(
      (await v.cli(['vault', 'list'])).stdout.trim().split('\n').length,
      1,
      'deleted credentials are hidden',
    );
    assert.match(
      (await v.cli(['vault', 'list', '--all'])).stdout,
      /registry\.example\.com:5000\s+ci2\s+basic\s+deleted/,
    );
    assert.match(
      (await v.cli(['vault', 'show', 'registry.example.com:5000'])).stdout,
      /secret:\s+\(destroyed\)/,
    );
    assert.equal(
      (await v.helper('get', 'registry.example.com:5000')).stdout,
      'credentials not found in native keychain\n',
    );
    const missing = await v.cli(['vault', 'show', 'nothere.example']);
    assert.equal(missing.code, 5);
    assert.equal(missing.stderr, 'purser: no credential for nothere.example in environment default\n');
  });

  test('one credential per address per environment; Docker Hub aliases are one address; addresses are validated', async () => {
    const v = vaultFixture();
    for (const [alias, pw] of [
      ['docker.io', 'one'],
      ['index.docker.io', 'two'],
      ['registry-1.docker.io', 'three'],
      ['https://index.docker.io/v1/', 'four'],
    ] as const) {
      const r = await v.cli(['vault', 'add', alias, '--username', `u-${pw}`, '--password-stdin'], pw);
      assert.equal(r.code, 0, describeResult(r));
    }
    const records = JSON.parse((await v.cli(['vault', 'list', '--json'])).stdout) as {
      address: string;
      username: string;
    }[];
    assert.deepEqual(
      records.map((r) => [r.address, r.username]),
      [['docker.io', 'u-four']],
      'the newest wins',
    );
    assert.equal(
      (await v.helper('get', 'docker.io')).stdout,
      '{"ServerURL":"docker.io","Username":"u-four","Secret":"four"}\n',
    );

    const other = await v.cli(
      ['vault', 'add', 'docker.io', '--username', 'prod-user', '--password-stdin', '--env', 'prod'],
      'p',
    );
    assert.equal(other.code, 0);
    assert.equal(
      JSON.parse((await v.cli(['vault', 'list', '--json'])).stdout)[0].username,
      'u-four',
      'environments are separate',
    );

    const scheme = await v.cli(
      ['vault', 'add', 'https://quay.io', '--username', 'x', '--password-stdin'],
      'x',
    );
    assert.equal(scheme.code, 2);
    assert.equal(
      scheme.stderr,
      'purser: registry address "https://quay.io" must be a host or host:port without a scheme (write "quay.io")\n',
    );
    const path = await v.cli(['vault', 'add', 'quay.io/org', '--username', 'x', '--password-stdin'], 'x');
    assert.equal(path.code, 2);
    assert.match(path.stderr, /must be a host or host:port without a path \(write "quay\.io"\)/);
    const noSecret = await v.cli(['vault', 'add', 'quay.io', '--username', 'x']);
    assert.equal(noSecret.code, 2);
    assert.match(noSecret.stderr, /--password-stdin or --password-file/);
  });

  test('default registry and allowlist', async () => {
    const v = vaultFixture();
    const resolveUbuntu = async () => (await v.cli(['vault', 'resolve', 'ubuntu'])).stdout.trim();
    assert.equal(await resolveUbuntu(), 'docker.io/library/ubuntu:latest');
    const set = await v.cli(['vault', 'set-default-registry', 'registry.example.com:5000']);
    assert.equal(set.code, 0, describeResult(set));
    assert.equal(await resolveUbuntu(), 'registry.example.com:5000/ubuntu:latest');
    assert.equal(
      (await v.cli(['vault', 'resolve', `quay.io/org/app@sha256:${'a'.repeat(64)}`])).stdout.trim(),
      `quay.io/org/app@sha256:${'a'.repeat(64)}`,
    );

    const allow = await v.cli(['vault', 'allow', 'registry.example.com:5000', 'quay.io']);
    assert.equal(allow.code, 0, describeResult(allow));
    assert.equal(allow.stdout, 'environment default allows: quay.io registry.example.com:5000\n');
    const hub = await v.cli(['vault', 'resolve', 'docker.io/library/nginx']);
    assert.equal(hub.code, 4);
    assert.match(hub.stderr, /registry docker\.io is not in the allowlist of environment default/);
    await v.cli(['vault', 'add', 'docker.io', '--username', 'h', '--password-stdin'], 'hubpw');
    const helperHub = await v.helper('get', 'https://index.docker.io/v1/');
    assert.equal(helperHub.code, 1);
    assert.match(helperHub.stdout, /^registry docker\.io is not in the allowlist of environment default/);
    assert.equal(
      (await v.cli(['vault', 'allow', 'index.docker.io'])).stdout,
      'environment default allows: docker.io quay.io registry.example.com:5000\n',
    );
    assert.equal(
      (await v.helper('get', 'https://index.docker.io/v1/')).code,
      0,
      'Docker Hub allowed once listed',
    );
    assert.equal(
      (await v.cli(['vault', 'allow', '--remove', 'quay.io'])).stdout,
      'environment default allows: docker.io registry.example.com:5000\n',
    );
    const settings = JSON.parse((await v.cli(['vault', 'settings', '--json'])).stdout);
    assert.deepEqual(settings, [
      {
        name: 'default',
        defaultRegistry: 'registry.example.com:5000',
        allowlist: ['docker.io', 'registry.example.com:5000'],
      },
    ]);
    assert.equal(
      (await v.cli(['vault', 'allow', '--clear'])).stdout,
      'environment default: no allowlist (every registry is allowed)\n',
    );
    assert.equal((await v.cli(['vault', 'set-default-registry', '--unset'])).code, 0);
    assert.equal(await resolveUbuntu(), 'docker.io/library/ubuntu:latest');
  });

  test('the database alone reveals no secret; the key file is 0600', async () => {
    const v = vaultFixture();
    const r = await v.cli(['vault', 'add', 'quay.io', '--username', 'robot$x', '--password-stdin'], SECRET);
    assert.equal(r.code, 0, describeResult(r));
    const bytes = dbBytes(v.dataDir);
    assert.ok(bytes.length > 0);
    assert.ok(!bytes.includes(SECRET), 'plaintext secret found in the database');
    assert.ok(!bytes.includes(Buffer.from(SECRET).toString('base64')), 'base64 secret found in the database');
    assert.ok(bytes.includes('robot$x'), 'sanity: the database file is the one written');
    assert.equal(statSync(join(v.dataDir, 'master.key')).mode & 0o777, 0o600);
    // Another key cannot open it: the helper fails rather than printing garbage.
    const wrongKey = await v.helper('get', 'quay.io', {
      PURSER_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    assert.equal(wrongKey.code, 1);
    assert.ok(!wrongKey.stdout.includes(SECRET));
  });

  test('rotate-key re-encrypts every secret under a new key and drops the old one', async () => {
    const v = vaultFixture();
    for (const host of ['a.example', 'b.example', 'c.example']) {
      assert.equal(
        (await v.cli(['vault', 'add', host, '--username', 'u', '--password-stdin'], `${SECRET}-${host}`))
          .code,
        0,
      );
    }
    const keyFile = join(v.dataDir, 'master.key');
    const before = readFileSync(keyFile, 'utf8').trim();
    const dbBefore = dbBytes(v.dataDir);
    const rotate = await v.cli(['vault', 'rotate-key']);
    assert.equal(rotate.code, 0, describeResult(rotate));
    assert.match(rotate.stdout, /3 secrets re-encrypted, 1 old key\(s\) dropped/);
    const afterKey = readFileSync(keyFile, 'utf8').trim();
    assert.notEqual(afterKey, before);
    assert.equal(afterKey.split('\n').length, 1);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    for (const host of ['a.example', 'b.example', 'c.example']) {
      const got = await v.helper('get', host);
      assert.equal(got.code, 0, describeResult(got));
      assert.equal(JSON.parse(got.stdout).Secret, `${SECRET}-${host}`);
    }
    const oldOnly = await v.helper('get', 'a.example', { PURSER_MASTER_KEY: before });
    assert.equal(oldOnly.code, 1, 'the old key no longer opens anything');
    assert.ok(!dbBytes(v.dataDir).includes(SECRET));
    assert.ok(dbBefore.length > 0);
  });

  test('rotate-key with PURSER_MASTER_KEY explains the procedure, and re-seals with NEW,OLD', async () => {
    const v = vaultFixture();
    const oldKey = Buffer.alloc(32, 1).toString('base64');
    const newKey = Buffer.alloc(32, 2).toString('base64');
    const envOld = { ...v.env, PURSER_MASTER_KEY: oldKey };
    assert.equal(
      (
        await purserCli(['vault', 'add', 'b.example', '--username', 'u', '--password-stdin'], {
          env: envOld,
          input: `${SECRET}-b`,
        })
      ).code,
      0,
    );
    const single = await purserCli(['vault', 'rotate-key'], { env: envOld });
    assert.equal(single.code, 1);
    assert.match(single.stderr, /set PURSER_MASTER_KEY=NEW,OLD/);
    const both = await purserCli(['vault', 'rotate-key'], {
      env: { ...v.env, PURSER_MASTER_KEY: `${newKey},${oldKey}` },
    });
    assert.equal(both.code, 0, describeResult(both));
    assert.match(both.stdout, /re-encrypted 1 secrets/);
    const got = await v.helper('get', 'b.example', { PURSER_MASTER_KEY: newKey });
    assert.equal(got.code, 0, describeResult(got));
    assert.equal(JSON.parse(got.stdout).Secret, `${SECRET}-b`);
    assert.equal(
      (await v.helper('get', 'b.example', { PURSER_MASTER_KEY: oldKey })).code,
      1,
      'the old key alone no longer opens it',
    );
  });

  test('grants name existing services and robots only', async () => {
    const v = vaultFixture();
    // An existing data directory: the first command would otherwise say it creates one.
    mkdirSync(v.dataDir, { mode: 0o700 });
    const missing = await v.cli(['vault', 'grant', 'prod', '--service', 'nobody']);
    assert.equal(missing.code, 5);
    assert.equal(missing.stderr, 'purser: no service named nobody\n');
    const both = await v.cli(['vault', 'grant', 'prod', '--service', 'a', '--robot', 'b']);
    assert.equal(both.code, 2);
  });
});
