/**
 * The npm package as a user gets it: `npm pack` holds the compiled build and nothing else, and
 * `npm install -g ./purser-X.tgz` into an empty prefix gives a working `purser` (also through
 * `npx`) and `docker-credential-purser`, run from a directory far from the checkout.
 *
 * The install is real npm, offline: the dependencies come from a registry on 127.0.0.1 that
 * serves package-lock.json's production packages from the npm cache (test/support/npm-registry.ts).
 * It runs with --ignore-scripts and takes better-sqlite3's addon from this checkout's build, since
 * compiling it again (what its install script does without a prebuilt download) takes minutes
 * and tests node-gyp, not our package.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type LocalNpmRegistry, startLocalNpmRegistry } from '../support/npm-registry.ts';
import { freePort } from '../support/ports.ts';
import { describeResult, run, spawnLogged } from '../support/proc.ts';
import { REPO_ROOT } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const ALLOWED_TOP = new Set(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']);

describe('the npm package', { timeout: 240_000 }, () => {
  let work: string;
  let tarball: string;
  let files: string[];
  let registry: LocalNpmRegistry | undefined;
  let prefix: string;
  let installed: string;

  before(async () => {
    // run-tests.mjs has just built dist/ (with dist/build-info.json); pack that build as it is.
    assert.ok(fs.existsSync(path.join(REPO_ROOT, 'dist/build-info.json')), 'run `npm run build` first');
    work = tempDir('purser-pkg-');
    const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: REPO_ROOT,
    });
    assert.equal(packed.code, 0, describeResult(packed));
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    tarball = path.join(work, info.filename);
    files = info.files.map((f) => f.path);
  });

  after(async () => {
    await registry?.close();
  });

  test('holds dist/, bin/, README, LICENSE (Apache-2.0) and CHANGELOG, nothing else', () => {
    const stray = files.filter((f) => !f.startsWith('dist/') && !f.startsWith('bin/') && !ALLOWED_TOP.has(f));
    assert.deepEqual(stray, []);
    for (const needed of [
      'dist/cli/main.js',
      'dist/cli/credential-helper.cjs',
      'dist/build-info.json',
      'dist/console/index.html',
      'bin/purser.js',
      'bin/docker-credential-purser',
      ...ALLOWED_TOP,
    ])
      assert.ok(files.includes(needed), `${needed} is in the package`);
    assert.deepEqual(
      files.filter((f) => /\.test\.|test-support|\.ts$/.test(f) && !f.endsWith('.d.ts')),
      [],
      'no tests and no TypeScript sources',
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      license: string;
    };
    assert.equal(pkg.license, 'Apache-2.0');
    assert.match(
      fs.readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8'),
      /Apache License\s+Version 2\.0, January 2004/,
    );
  });

  test('npm install -g into an empty prefix gives working commands', async (t) => {
    registry = await startLocalNpmRegistry(path.join(REPO_ROOT, 'package-lock.json'));
    if (registry.missing.length > 0) {
      const reason = `the npm cache lacks ${registry.missing.slice(0, 3).join(', ')}: run npm ci first`;
      if (process.env.CI) assert.fail(reason);
      t.skip(reason);
      return;
    }
    prefix = path.join(work, 'prefix');
    const install = await run(
      'npm',
      [
        'install',
        '--global',
        '--prefix',
        prefix,
        '--registry',
        registry.url,
        '--cache',
        path.join(work, 'npm-cache'),
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-update-notifier',
        tarball,
      ],
      { cwd: work, timeoutMs: 180_000 },
    );
    assert.equal(install.code, 0, describeResult(install));
    installed = path.join(prefix, 'lib', 'node_modules', 'purser');
    const addon = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    fs.mkdirSync(path.dirname(path.join(installed, addon)), { recursive: true });
    fs.copyFileSync(path.join(REPO_ROOT, addon), path.join(installed, addon));
    assert.equal(
      fs.existsSync(path.join(installed, 'node_modules', 'typescript')),
      false,
      'no dev dependency',
    );
    assert.equal(fs.existsSync(path.join(installed, 'node_modules', 'tsx')), false, 'no dev dependency');

    // Far from the checkout, with only the prefix and node on PATH.
    const home = tempDir('purser-pkg-home-');
    const env = {
      PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
      HOME: home,
      XDG_DATA_HOME: undefined,
      PURSER_DATA: path.join(home, 'data'),
      PURSER_CONFIG: undefined,
      PURSER_URL: undefined,
      npm_config_prefix: prefix,
    };
    const recorded = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'dist/build-info.json'), 'utf8')) as {
      commit: string | null;
    };
    const expected = `purser 0.1.0 (commit ${recorded.commit ? recorded.commit.replace(/^([0-9a-f]{12})[0-9a-f]*/, '$1') : 'unknown'})\n`;
    const version = await run(path.join(prefix, 'bin', 'purser'), ['--version'], { env, cwd: home });
    assert.equal(version.code, 0, describeResult(version));
    assert.equal(version.stdout, expected);
    const npx = await run('npx', ['--no', '--', 'purser', '--version'], { env, cwd: home });
    assert.equal(npx.code, 0, describeResult(npx));
    assert.equal(npx.stdout, expected);

    const helper = path.join(prefix, 'bin', 'docker-credential-purser');
    const creds = { ServerURL: 'registry.pkg.test', Username: 'ci', Secret: 'pkg-secret' };
    const stored = await run(helper, ['store'], { env, cwd: home, input: JSON.stringify(creds) });
    assert.equal(stored.code, 0, describeResult(stored));
    assert.match(stored.stderr, new RegExp(`creating a new data directory ${env.PURSER_DATA}`));
    const got = await run(helper, ['get'], { env, cwd: home, input: 'registry.pkg.test\n' });
    assert.equal(got.stdout, '{"ServerURL":"registry.pkg.test","Username":"ci","Secret":"pkg-secret"}\n');

    const port = await freePort();
    // A registry nothing answers for: the token endpoint only needs to know the service.
    const nowhere = await freePort();
    fs.writeFileSync(
      path.join(home, 'purser.yaml'),
      `listen: 127.0.0.1:${port}\nregistries:\n  - { service: registry.pkg.test, url: http://127.0.0.1:${nowhere} }\n`,
    );
    const server = spawnLogged(path.join(prefix, 'bin', 'purser'), ['serve', '--config', 'purser.yaml'], {
      env: { ...env, PURSER_ADMIN_PASSWORD: 'pkg-admin' },
      cwd: home,
    });
    try {
      await server.waitForLog(/purser listening on/, { timeoutMs: 30_000 });
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      const token = await fetch(`http://127.0.0.1:${port}/token?service=registry.pkg.test`, {
        headers: { authorization: `Basic ${Buffer.from('admin:pkg-admin').toString('base64')}` },
      });
      assert.equal(token.status, 200, await token.clone().text());
      assert.ok(((await token.json()) as { token?: string }).token, 'a signed token');
      process.kill(server.pid, 'SIGTERM');
      assert.equal((await server.waitForExit(15_000)).code, 0, server.logs());
    } finally {
      await server.stop('SIGKILL', 1_000);
    }
  });
});
