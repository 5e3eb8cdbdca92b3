import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { VerifyCredentialsOptions, VerifyCredentialsResult } from '../registry-client/login.ts';
import { parseConfigsFile } from './configs-file.ts';
import type { GantryInputs } from './gantry-inputs.ts';
import { gantryLogin } from './gantry-login.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-gantry-login-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));

function inputsFrom(text: string): GantryInputs {
  const parsed = parseConfigsFile(text, 'configs.txt');
  return { ...parsed, configsFile: path.join(root, 'configs.txt') };
}

/** Accepts password "good" only; records what was asked. */
function fakeVerify(calls: string[]) {
  return async (o: VerifyCredentialsOptions): Promise<VerifyCredentialsResult> => {
    calls.push(`${o.registry} ${o.username}`);
    return o.password === 'good'
      ? { ok: true, scheme: 'basic', endpoint: `https://${o.registry}/v2/` }
      : { ok: false, reason: 'invalid username or password' };
  };
}

function readConfig(dir: string): { auths: Record<string, { auth: string }>; [k: string]: unknown } {
  return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
}

describe('gantryLogin', () => {
  it('writes each configuration, keeping other content, Docker Hub under its config.json key', async () => {
    const cwd = fs.mkdtempSync(path.join(root, 'ok-'));
    fs.mkdirSync(path.join(cwd, 'b'));
    fs.writeFileSync(
      path.join(cwd, 'b', 'config.json'),
      JSON.stringify({
        proxies: { default: { httpProxy: 'http://p:3128' } },
        auths: { 'other.io': { auth: 'eDp5' } },
      }),
      { mode: 0o640 },
    );
    const calls: string[] = [];
    const report = await gantryLogin({
      inputs: inputsFrom('a ghcr.io bot good\nb docker.io alice good\nb quay.io robot good\n'),
      env: { HOME: path.join(cwd, 'home') },
      cwd,
      verify: fakeVerify(calls),
    });
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.deepEqual(calls, ['ghcr.io bot', 'registry-1.docker.io alice', 'quay.io robot']);
    const a = readConfig(path.join(cwd, 'a'));
    assert.equal(Buffer.from(a.auths['ghcr.io']!.auth, 'base64').toString(), 'bot:good');
    assert.equal(fs.statSync(path.join(cwd, 'a', 'config.json')).mode & 0o777, 0o600);
    const b = readConfig(path.join(cwd, 'b'));
    assert.deepEqual(Object.keys(b.auths).sort(), ['https://index.docker.io/v1/', 'other.io', 'quay.io']);
    assert.deepEqual(b.proxies, { default: { httpProxy: 'http://p:3128' } });
    assert.equal(fs.statSync(path.join(cwd, 'b', 'config.json')).mode & 0o777, 0o640, 'keeps the mode');
  });

  it('strict: an invalid line means nothing is verified or written', async () => {
    const cwd = fs.mkdtempSync(path.join(root, 'strict-'));
    const calls: string[] = [];
    const report = await gantryLogin({
      inputs: inputsFrom('a ghcr.io bot good\nbroken line\n'),
      env: {},
      cwd,
      verify: fakeVerify(calls),
    });
    assert.equal(report.ok, false);
    assert.equal(report.nothingWritten, true);
    assert.deepEqual(calls, []);
    assert.deepEqual(
      report.problems.map((p) => p.line),
      [2],
    );
    assert.equal(fs.existsSync(path.join(cwd, 'a')), false);
  });

  it('lenient: invalid lines are skipped and the rest written', async () => {
    const cwd = fs.mkdtempSync(path.join(root, 'lenient-'));
    const report = await gantryLogin({
      inputs: inputsFrom('a ghcr.io bot good\nbroken line\n'),
      env: {},
      cwd,
      lenient: true,
      verify: fakeVerify([]),
    });
    assert.equal(report.ok, true);
    assert.equal(report.problems.length, 1);
    assert.ok(fs.existsSync(path.join(cwd, 'a', 'config.json')));
  });

  it('strict: a refused credential means nothing is written; lenient writes the others', async () => {
    for (const lenient of [false, true]) {
      const cwd = fs.mkdtempSync(path.join(root, `refused-${lenient}-`));
      const report = await gantryLogin({
        inputs: inputsFrom('a ghcr.io bot good\nb quay.io robot bad\n'),
        env: {},
        cwd,
        lenient,
        verify: fakeVerify([]),
      });
      assert.equal(report.ok, false);
      assert.deepEqual(
        report.results.map((r) => r.status),
        lenient ? ['written', 'invalid'] : ['not-written', 'invalid'],
      );
      assert.equal(fs.existsSync(path.join(cwd, 'a', 'config.json')), lenient);
      assert.equal(fs.existsSync(path.join(cwd, 'b')), false);
    }
  });

  it('an empty configuration is the default location: DOCKER_CONFIG, else HOME/.docker', async () => {
    const cwd = fs.mkdtempSync(path.join(root, 'default-'));
    const inputs: GantryInputs = {
      credentials: [
        {
          configuration: '',
          host: 'ghcr.io',
          registry: 'ghcr.io',
          username: 'u',
          password: 'good',
          source: 'GANTRY_REGISTRY_* variables',
        },
      ],
      problems: [],
      configsFile: undefined,
    };
    await gantryLogin({ inputs, env: { HOME: path.join(cwd, 'home') }, cwd, verify: fakeVerify([]) });
    assert.ok(fs.existsSync(path.join(cwd, 'home', '.docker', 'config.json')));
    await gantryLogin({
      inputs,
      env: { HOME: '/nonexistent', DOCKER_CONFIG: 'dc' },
      cwd,
      verify: fakeVerify([]),
    });
    assert.ok(fs.existsSync(path.join(cwd, 'dc', 'config.json')));
  });

  it('leaves an up-to-date config.json untouched (a read-only mount is fine)', async () => {
    const cwd = fs.mkdtempSync(path.join(root, 'ro-'));
    await gantryLogin({ inputs: inputsFrom('a ghcr.io bot good\n'), env: {}, cwd, verify: fakeVerify([]) });
    const writes: string[] = [];
    const report = await gantryLogin({
      inputs: inputsFrom('a ghcr.io bot good\n'),
      env: {},
      cwd,
      verify: fakeVerify([]),
      writeConfig: (file) => writes.push(file),
    });
    assert.equal(report.ok, true);
    assert.equal(writes.length, 1, 'the injected writer is always called');
    // With the default writer, a read-only file that already matches is not rewritten.
    const file = path.join(cwd, 'a', 'config.json');
    const before = fs.statSync(file).mtimeMs;
    fs.chmodSync(file, 0o400);
    const again = await gantryLogin({
      inputs: inputsFrom('a ghcr.io bot good\n'),
      env: {},
      cwd,
      verify: fakeVerify([]),
    });
    assert.equal(again.ok, true, JSON.stringify(again.results));
    assert.equal(fs.statSync(file).mtimeMs, before);
  });

  it('warns when a credential helper shadows the auths entry', async () => {
    const cwd = fs.mkdtempSync(path.join(root, 'helper-'));
    fs.mkdirSync(path.join(cwd, 'a'));
    fs.writeFileSync(path.join(cwd, 'a', 'config.json'), JSON.stringify({ credsStore: 'pass' }));
    const report = await gantryLogin({
      inputs: inputsFrom('a ghcr.io bot good\n'),
      env: {},
      cwd,
      verify: fakeVerify([]),
    });
    assert.ok(
      report.warnings.some((w) => /credsStore "pass"/.test(w)),
      report.warnings.join('\n'),
    );
  });
});
