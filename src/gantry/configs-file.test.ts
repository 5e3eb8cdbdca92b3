import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigsFile } from './configs-file.ts';
import { readGantryInputs } from './gantry-inputs.ts';

describe('parseConfigsFile', () => {
  const text = [
    '# Gantry registries', // 1
    '', // 2
    'cfg-a ghcr.io bot s3cret', // 3
    '\tcfg-b\tquay.io\trobot+ci\tp@ss:word', // 4
    '   # indented comment', // 5
    'cfg-c registry.example.com:5000 u', // 6: missing
    'cfg-d docker.io alice pw # inline comments are not comments', // 7: extra
    'cfg-e https://index.docker.io/v1/ alice pw', // 8: Docker Hub by its legacy URL
    'cfg-f bad_host!name u p', // 9: not a host
    'cfg-g localhost:5000 u pw\r', // 10: CRLF
    'cfg-h   Registry.Example.COM   u   pw   ', // 11: runs of spaces, case
  ].join('\n');
  const result = parseConfigsFile(text, 'configs.txt');

  it('reads valid lines with their line numbers and canonical registry', () => {
    assert.deepEqual(
      result.credentials.map((c) => [c.line, c.configuration, c.host, c.registry, c.username, c.password]),
      [
        [3, 'cfg-a', 'ghcr.io', 'ghcr.io', 'bot', 's3cret'],
        [4, 'cfg-b', 'quay.io', 'quay.io', 'robot+ci', 'p@ss:word'],
        [8, 'cfg-e', 'https://index.docker.io/v1/', 'docker.io', 'alice', 'pw'],
        [10, 'cfg-g', 'localhost:5000', 'localhost:5000', 'u', 'pw'],
        [11, 'cfg-h', 'Registry.Example.COM', 'registry.example.com', 'u', 'pw'],
      ],
    );
    assert.equal(result.credentials[0]?.source, 'configs.txt line 3');
  });

  it('reports every invalid line with its number and Gantry wording', () => {
    assert.deepEqual(
      result.problems.map((p) => p.line),
      [6, 7, 9],
    );
    assert.match(result.problems[0]!.message, /^format error\. Missing item\(s\)\./);
    assert.match(result.problems[1]!.message, /^format error\. Found extra item\(s\)\./);
    assert.match(result.problems[2]!.message, /registry "bad_host!name" is not a host/);
    assert.equal(result.problems[0]!.source, 'configs.txt line 6');
  });

  it('processes a last line without a trailing newline', () => {
    assert.equal(parseConfigsFile('a r.io u p', 'f').credentials.length, 1);
  });
});

describe('readGantryInputs', () => {
  const files: Record<string, string> = {
    '/run/secrets/user': 'bot\n',
    '/run/secrets/password': 'pa ss\n\n',
    '/work/configs.txt': 'cfg ghcr.io u p\nbroken\n',
  };
  const readFile = (file: string) => {
    const text = files[file];
    if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return text;
  };

  it('prefers *_FILE variants and strips trailing newlines like $(cat …)', () => {
    const r = readGantryInputs({
      env: {
        GANTRY_REGISTRY_USER: 'ignored',
        GANTRY_REGISTRY_USER_FILE: '/run/secrets/user',
        GANTRY_REGISTRY_PASSWORD_FILE: '/run/secrets/password',
        GANTRY_REGISTRY_HOST: 'ghcr.io',
        GANTRY_REGISTRY_CONFIG: 'cfg-single',
      },
      cwd: '/work',
      readFile,
    });
    assert.deepEqual(r.problems, []);
    assert.equal(r.credentials.length, 1);
    const c = r.credentials[0]!;
    assert.deepEqual(
      [c.username, c.password, c.registry, c.configuration],
      ['bot', 'pa ss', 'ghcr.io', 'cfg-single'],
    );
  });

  it('an empty host means Docker Hub; the single set comes before the configs file', () => {
    const r = readGantryInputs({
      env: {
        GANTRY_REGISTRY_USER: 'u',
        GANTRY_REGISTRY_PASSWORD: 'p',
        GANTRY_REGISTRY_CONFIGS_FILE: 'configs.txt',
      },
      cwd: '/work',
      readFile,
    });
    assert.deepEqual(
      r.credentials.map((c) => c.registry),
      ['docker.io', 'ghcr.io'],
    );
    assert.deepEqual(
      r.problems.map((p) => p.source),
      ['configs.txt line 2'],
    );
    assert.equal(r.configsFile, '/work/configs.txt');
  });

  it('reports unreadable files and a half-set single credential', () => {
    const r = readGantryInputs({
      env: { GANTRY_REGISTRY_PASSWORD_FILE: '/missing', GANTRY_REGISTRY_CONFIGS_FILE: '/nope.txt' },
      cwd: '/work',
      readFile,
    });
    assert.deepEqual(
      r.problems.map((p) => p.message),
      ['Failed to read file /missing', 'Failed to read CONFIGS_FILE /nope.txt.'],
    );
    const half = readGantryInputs({ env: { GANTRY_REGISTRY_USER: 'u' }, cwd: '/', readFile });
    assert.match(half.problems[0]!.message, /GANTRY_REGISTRY_PASSWORD is empty/);
  });

  it('nothing set means no credentials and no problems', () => {
    const r = readGantryInputs({ env: {}, cwd: '/', readFile });
    assert.deepEqual([r.credentials.length, r.problems.length], [0, 0]);
  });
});
