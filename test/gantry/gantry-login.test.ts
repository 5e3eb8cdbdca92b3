/**
 * End to end: `purser gantry login` reads a Gantry configs file, checks each credential against a
 * real password-protected registry (Debian's docker-registry with htpasswd) without any daemon,
 * and writes configuration directories that skopeo (`--authfile DIR/config.json`) and the docker
 * CLI (`--config DIR`) then use to reach the registry. Also: strict vs lenient with line numbers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import { docker } from '../support/docker-cli.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { type Registry, startRegistry, writeHtpasswd } from '../support/registry.ts';
import { skopeo } from '../support/skopeo.ts';
import { tempDir } from '../support/temp.ts';

describe('purser gantry login against a real registry', () => {
  let registry: Registry | undefined;
  let work: string;
  let ref: string;

  before(async () => {
    // Without these, each test skips (or fails under CI) through requireBinaries.
    if (!hasBinary('docker-registry') || !hasBinary('skopeo')) return;
    work = tempDir('purser-gantry-e2e-');
    const htpasswd = path.join(work, 'htpasswd');
    writeHtpasswd(htpasswd, { gantry: 'gantry-pass', reader: 'reader-pass' });
    registry = await startRegistry({ auth: { htpasswd: { path: htpasswd, realm: 'RegistryRealm' } } });
    const layout = path.join(work, 'image');
    await makeOciImage(layout, 'v1', 'hello gantry');
    ref = `${registry.host}/gantry/test:v1`;
    const push = await skopeo([
      'copy',
      '--dest-creds',
      'gantry:gantry-pass',
      `oci:${layout}:v1`,
      `docker://${ref}`,
    ]);
    assert.equal(push.code, 0, describeResult(push));
  });
  after(async () => {
    await registry?.stop();
  });

  const env = (extra: Record<string, string> = {}) => ({
    HOME: path.join(work, 'home'),
    DOCKER_CONFIG: undefined,
    GANTRY_REGISTRY_USER: undefined,
    GANTRY_REGISTRY_PASSWORD: undefined,
    GANTRY_REGISTRY_HOST: undefined,
    GANTRY_REGISTRY_CONFIG: undefined,
    ...extra,
  });

  test('configs file → configuration directories that skopeo and docker use', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo', 'docker'])) return;
    const cwd = fs.mkdtempSync(path.join(work, 'ok-'));
    // cfg-b exists already with other content that must survive.
    fs.mkdirSync(path.join(cwd, 'cfg-b'));
    const existing = { auths: { 'placeholder.invalid': {} }, proxies: { default: { noProxy: '127.0.0.1' } } };
    fs.writeFileSync(path.join(cwd, 'cfg-b', 'config.json'), JSON.stringify(existing), { mode: 0o640 });
    fs.writeFileSync(
      path.join(cwd, 'registries.txt'),
      [
        '# configuration  registry  user  password',
        `cfg-a ${registry!.host} gantry gantry-pass`,
        '',
        `\tcfg-b\t${registry!.host}\treader\treader-pass`,
        `${path.join(cwd, 'cfg-abs')} ${registry!.host} gantry gantry-pass`,
      ].join('\n'),
    );
    const login = await purserCli(['gantry', 'login'], {
      cwd,
      env: env({ GANTRY_REGISTRY_CONFIGS_FILE: 'registries.txt' }),
    });
    assert.equal(login.code, 0, describeResult(login));
    assert.match(
      login.stdout,
      new RegExp(
        `Logged into registry ${registry!.host.replace(/\./g, '\\.')} with configuration ${cwd}/cfg-a`,
      ),
    );
    assert.doesNotMatch(login.stdout + login.stderr, /gantry-pass|reader-pass/, 'no secret in the output');

    const b = JSON.parse(fs.readFileSync(path.join(cwd, 'cfg-b', 'config.json'), 'utf8'));
    assert.deepEqual(b.proxies, existing.proxies, 'other content kept');
    assert.ok(b.auths['placeholder.invalid'], 'other auths kept');
    assert.equal(Buffer.from(b.auths[registry!.host].auth, 'base64').toString(), 'reader:reader-pass');
    assert.equal(fs.statSync(path.join(cwd, 'cfg-b', 'config.json')).mode & 0o777, 0o640);
    assert.equal(fs.statSync(path.join(cwd, 'cfg-a', 'config.json')).mode & 0o777, 0o600);

    for (const dir of ['cfg-a', 'cfg-b', 'cfg-abs']) {
      const authfile = path.join(cwd, dir, 'config.json');
      const inspect = await skopeo(['inspect', '--authfile', authfile, `docker://${ref}`]);
      assert.equal(inspect.code, 0, `skopeo with ${dir}: ${describeResult(inspect)}`);
      const manifest = await docker([
        '--config',
        path.join(cwd, dir),
        'manifest',
        'inspect',
        '--insecure',
        ref,
      ]);
      assert.equal(manifest.code, 0, `docker with ${dir}: ${describeResult(manifest)}`);
      assert.match(manifest.stdout, /"schemaVersion": 2/);
    }
    // Control: without the configuration, the registry refuses.
    const anonymous = await skopeo(['inspect', '--no-creds', `docker://${ref}`]);
    assert.notEqual(anonymous.code, 0, 'the registry must require authentication');
    const noConfig = await docker(['manifest', 'inspect', '--insecure', ref]);
    assert.notEqual(noConfig.code, 0, describeResult(noConfig));
  });

  test('single GANTRY_REGISTRY_* variables with *_FILE secrets', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const cwd = fs.mkdtempSync(path.join(work, 'single-'));
    fs.writeFileSync(path.join(cwd, 'password'), 'gantry-pass\n');
    const login = await purserCli(['gantry', 'login'], {
      cwd,
      env: env({
        GANTRY_REGISTRY_USER: 'gantry',
        GANTRY_REGISTRY_PASSWORD_FILE: path.join(cwd, 'password'),
        GANTRY_REGISTRY_HOST: registry!.host,
        DOCKER_CONFIG: path.join(cwd, 'default-config'),
      }),
    });
    assert.equal(login.code, 0, describeResult(login));
    const inspect = await skopeo([
      'inspect',
      '--authfile',
      path.join(cwd, 'default-config', 'config.json'),
      `docker://${ref}`,
    ]);
    assert.equal(inspect.code, 0, describeResult(inspect));
  });

  test('strict by default, --lenient skips bad lines; every bad line is named with its number', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const cwd = fs.mkdtempSync(path.join(work, 'strict-'));
    fs.writeFileSync(
      path.join(cwd, 'registries.txt'),
      [
        '# registries', // 1
        `good ${registry!.host} gantry gantry-pass`, // 2
        `missing ${registry!.host} gantry`, // 3
        '', // 4
        `extra ${registry!.host} gantry gantry-pass # comment`, // 5
      ].join('\n'),
    );
    const strict = await purserCli(['gantry', 'login', '--configs-file', 'registries.txt'], {
      cwd,
      env: env(),
    });
    assert.equal(strict.code, 2, describeResult(strict));
    assert.match(strict.stderr, /registries\.txt line 3: format error\. Missing item\(s\)/);
    assert.match(strict.stderr, /registries\.txt line 5: format error\. Found extra item\(s\)/);
    assert.match(strict.stderr, /nothing was written/);
    assert.equal(fs.existsSync(path.join(cwd, 'good')), false, 'strict writes nothing');

    const lenient = await purserCli(['gantry', 'login', '--configs-file', 'registries.txt', '--lenient'], {
      cwd,
      env: env(),
    });
    assert.equal(lenient.code, 0, describeResult(lenient));
    assert.match(lenient.stderr, /skipped: registries\.txt line 3/);
    assert.match(lenient.stderr, /skipped: registries\.txt line 5/);
    assert.ok(fs.existsSync(path.join(cwd, 'good', 'config.json')));

    const json = await purserCli(['gantry', 'login', '--configs-file', 'registries.txt', '--json'], {
      cwd,
      env: env(),
    });
    assert.equal(json.code, 2);
    const report = JSON.parse(json.stdout) as { problems: { line: number }[] };
    assert.deepEqual(
      report.problems.map((p) => p.line),
      [3, 5],
    );
  });

  test('purser gantry import: one vault environment per configuration directory', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const cwd = fs.mkdtempSync(path.join(work, 'import-'));
    const data = path.join(cwd, 'data');
    fs.writeFileSync(
      path.join(cwd, 'registries.txt'),
      [
        `/etc/gantry/Team-A ${registry!.host} gantry gantry-pass`,
        `cfg/b ${registry!.host} reader reader-pass`,
        'oops',
      ].join('\n'),
    );
    const strict = await purserCli(['gantry', 'import', '--configs-file', 'registries.txt'], {
      cwd,
      env: env({ PURSER_DATA: data }),
    });
    assert.equal(strict.code, 2, describeResult(strict));
    assert.match(strict.stderr, /registries\.txt line 3: format error/);
    const imported = await purserCli(['gantry', 'import', '--configs-file', 'registries.txt', '--lenient'], {
      cwd,
      env: env({ PURSER_DATA: data }),
    });
    assert.equal(imported.code, 0, describeResult(imported));
    assert.match(imported.stdout, /Imported 127\.0\.0\.1:\d+ as gantry → environment team-a/);
    assert.match(imported.stdout, /Imported 127\.0\.0\.1:\d+ as reader → environment b/);
    for (const [environment, user] of [
      ['team-a', 'gantry'],
      ['b', 'reader'],
    ] as const) {
      const list = await purserCli(['vault', 'list', '--env', environment, '--json'], {
        cwd,
        env: env({ PURSER_DATA: data }),
      });
      assert.equal(list.code, 0, describeResult(list));
      const records = JSON.parse(list.stdout) as { address: string; username: string; state: string }[];
      assert.deepEqual(
        records.map((r) => [r.address, r.username, r.state]),
        [[registry!.host, user, 'active']],
      );
    }
    const wrong = await purserCli(['gantry', 'import', '--env', 'x'], {
      cwd,
      env: env({
        PURSER_DATA: data,
        GANTRY_REGISTRY_USER: 'gantry',
        GANTRY_REGISTRY_PASSWORD: 'nope',
        GANTRY_REGISTRY_HOST: registry!.host,
      }),
    });
    assert.equal(wrong.code, 1, describeResult(wrong));
    assert.match(wrong.stderr, /invalid username or password/);
  });

  test('purser resolve finds the configuration gantry login wrote, where Gantry would not', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const cwd = fs.mkdtempSync(path.join(work, 'resolve-'));
    fs.writeFileSync(path.join(cwd, 'registries.txt'), `cfg-two ${registry!.host} gantry gantry-pass\n`);
    const e = env({ GANTRY_REGISTRY_CONFIGS_FILE: 'registries.txt' });
    const login = await purserCli(['gantry', 'login'], { cwd, env: e });
    assert.equal(login.code, 0, describeResult(login));
    // Two path parts: Gantry's code finds no host; Purser does.
    const image = `${registry!.host}/app:v1`;
    const r = await purserCli(['resolve', image, '--json'], { cwd, env: e });
    assert.equal(r.code, 0, describeResult(r));
    const out = JSON.parse(r.stdout);
    assert.equal(out.configuration.dir, path.join(cwd, 'cfg-two'));
    assert.equal(out.configuration.selectedBy, 'auto');
    assert.deepEqual(out.dockerFlags, ['--config', path.join(cwd, 'cfg-two')]);
    assert.deepEqual(out.updateFlags, ['--with-registry-auth']);
    assert.match(out.credentialSource, /auths\["127\.0\.0\.1:\d+"\] \(user gantry\)/);
    assert.equal(out.gantry.agrees, false);
    assert.deepEqual(out.gantry.dockerFlags, []);
  });

  test('a wrong password is refused by the registry: strict writes nothing, lenient writes the rest', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const cwd = fs.mkdtempSync(path.join(work, 'wrong-'));
    fs.writeFileSync(
      path.join(cwd, 'registries.txt'),
      `good ${registry!.host} gantry gantry-pass\nbad ${registry!.host} gantry not-the-password\n`,
    );
    const strict = await purserCli(['gantry', 'login', '--configs-file', 'registries.txt'], {
      cwd,
      env: env(),
    });
    assert.equal(strict.code, 1, describeResult(strict));
    assert.match(
      strict.stderr,
      /Failed: .* \(registries\.txt line 2\): the registry refused it: invalid username or password/,
    );
    assert.equal(fs.existsSync(path.join(cwd, 'good')), false);
    const lenient = await purserCli(['gantry', 'login', '--configs-file', 'registries.txt', '--lenient'], {
      cwd,
      env: env(),
    });
    assert.equal(lenient.code, 1, describeResult(lenient));
    assert.ok(fs.existsSync(path.join(cwd, 'good', 'config.json')));
    assert.equal(fs.existsSync(path.join(cwd, 'bad')), false);
  });
});
