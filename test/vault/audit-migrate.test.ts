/**
 * `purser audit-config` and `purser migrate` on sample Docker and containers files: plaintext
 * entries are listed (never their passwords) with exit 1, helpers and problems are reported,
 * and migrate moves the secrets into the vault and rewrites the file to use the helper,
 * atomically, with a backup and the original permissions.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { describeResult } from '../support/proc.ts';
import { tempDir } from '../support/temp.ts';
import { vaultFixture } from './vault-fixture.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function sampleDockerConfig(dir: string): string {
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hub-Secret-1') },
          'registry.example.com:5000': { auth: b64('ci:ci-Secret-2') },
          'ecr.example.com': { auth: b64('AWS:stale-Secret-3') },
          'token.example.com': { auth: b64('tok:'), identitytoken: 'refresh-Secret-4' },
          'helper-backed.example.com': {},
        },
        credHelpers: { 'ecr.example.com': 'ecr-login-not-installed' },
        HttpHeaders: { 'X-Keep': 'yes' },
      },
      null,
      '\t',
    ),
    { mode: 0o640 },
  );
  return file;
}

describe('audit-config and migrate', () => {
  test('audit-config lists plaintext entries, identity tokens, helpers and problems; exit 1', async () => {
    const v = vaultFixture();
    const dir = tempDir('purser-audit-');
    const docker = sampleDockerConfig(dir);
    const podman = join(dir, 'auth.json');
    writeFileSync(
      podman,
      JSON.stringify({
        auths: { 'quay.io/team': { auth: b64('qt:quay-Secret-5') } },
        credHelpers: { 'gcr.io': 'purser' },
      }),
    );
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{not json');
    const r = await v.cli(['audit-config', docker, podman, broken, join(dir, 'missing.json')]);
    assert.equal(r.code, 1, describeResult(r));
    for (const secret of [
      'hub-Secret-1',
      'ci-Secret-2',
      'stale-Secret-3',
      'refresh-Secret-4',
      'quay-Secret-5',
    ])
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `printed ${secret}`);
    assert.match(r.stdout, /https:\/\/index\.docker\.io\/v1\/\s+hubuser\s+password/);
    assert.match(r.stdout, /registry\.example\.com:5000\s+ci\s+password/);
    assert.match(r.stdout, /token\.example\.com\s+tok\s+identity-token/);
    assert.match(r.stdout, /quay\.io\/team\s+qt\s+password/);
    assert.match(r.stdout, /ecr\.example\.com\s+ecr-login-not-installed\s+NO/);
    assert.match(
      r.stdout,
      /stale plaintext entry for ecr\.example\.com next to helper ecr-login-not-installed/,
    );
    assert.match(r.stdout, /broken\.json: not valid JSON/);
    assert.match(r.stdout, /missing\.json: does not exist/);
    assert.match(r.stderr, /5 plaintext credential\(s\) found/);

    const json = JSON.parse((await v.cli(['audit-config', '--json', docker])).stdout);
    assert.equal(json.plaintext.length, 4);
    assert.ok(!JSON.stringify(json).includes('Secret-'));

    const clean = join(dir, 'clean.json');
    writeFileSync(clean, JSON.stringify({ auths: { 'x.example': {} }, credsStore: 'purser' }));
    const ok = await v.cli(['audit-config', clean]);
    assert.equal(ok.code, 0, describeResult(ok));
    assert.match(ok.stdout, /no plaintext credentials/);
  });

  test('audit-config reads the default locations from the environment', async () => {
    const v = vaultFixture();
    const home = tempDir('purser-home-');
    mkdirSync(join(home, '.docker'));
    sampleDockerConfig(join(home, '.docker'));
    const { purserCli } = await import('../support/purser.ts');
    const r = await purserCli(['audit-config'], {
      env: {
        ...v.env,
        HOME: home,
        DOCKER_CONFIG: undefined,
        XDG_RUNTIME_DIR: join(home, 'run'),
        XDG_CONFIG_HOME: undefined,
        REGISTRY_AUTH_FILE: undefined,
      },
    });
    assert.equal(r.code, 1, describeResult(r));
    assert.match(
      r.stdout,
      new RegExp(`files read: ${join(home, '.docker', 'config.json').replace(/\//g, '\\/')}`),
    );
  });

  test('migrate moves secrets into the vault and rewrites the file to use the helper', async () => {
    const v = vaultFixture();
    const dir = tempDir('purser-migrate-');
    const file = sampleDockerConfig(dir);
    const original = readFileSync(file, 'utf8');
    const dry = await v.cli(['migrate', file, '--dry-run']);
    assert.equal(dry.code, 0, describeResult(dry));
    assert.equal(readFileSync(file, 'utf8'), original, 'dry run changes nothing');

    const r = await v.cli(['migrate', file]);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /moved 4 credential\(s\) into environment default/);
    const rewritten = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(statSync(file).mode & 0o777, 0o640, 'mode kept');
    assert.equal(readFileSync(`${file}.bak`, 'utf8'), original, 'backup holds the original');
    assert.equal(statSync(`${file}.bak`).mode & 0o777, 0o640);
    assert.deepEqual(rewritten.HttpHeaders, { 'X-Keep': 'yes' });
    assert.ok(!JSON.stringify(rewritten).includes('Secret-'));
    for (const entry of Object.values(rewritten.auths) as Record<string, unknown>[])
      assert.deepEqual(entry, {});
    assert.deepEqual(rewritten.credHelpers, {
      'https://index.docker.io/v1/': 'purser',
      'registry.example.com:5000': 'purser',
      'ecr.example.com': 'purser',
      'token.example.com': 'purser',
    });

    const hub = await v.helper('get', 'https://index.docker.io/v1/');
    assert.equal(
      hub.stdout,
      '{"ServerURL":"https://index.docker.io/v1/","Username":"hubuser","Secret":"hub-Secret-1"}\n',
    );
    const token = await v.helper('get', 'token.example.com');
    assert.equal(
      token.stdout,
      '{"ServerURL":"token.example.com","Username":"tok","Secret":"refresh-Secret-4"}\n',
    );
    const audit = await v.cli(['audit-config', file]);
    assert.equal(audit.code, 0, describeResult(audit));
  });

  test('migrate of a containers auth.json keys helpers by registry host', async () => {
    const v = vaultFixture();
    const file = join(tempDir('purser-migrate-podman-'), 'auth.json');
    writeFileSync(
      file,
      JSON.stringify({
        auths: { 'quay.io/team': { auth: b64('qt:quay-Secret-5') }, 'docker.io': { auth: b64('h:hub') } },
      }),
      { mode: 0o600 },
    );
    const r = await v.cli(['migrate', file]);
    assert.equal(r.code, 0, describeResult(r));
    const rewritten = JSON.parse(readFileSync(file, 'utf8'));
    assert.deepEqual(rewritten.credHelpers, { 'quay.io': 'purser', 'docker.io': 'purser' });
    assert.equal(JSON.parse((await v.helper('get', 'quay.io')).stdout).Secret, 'quay-Secret-5');
  });
});
