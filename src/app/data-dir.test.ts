import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { prepareDataDir, resolveDataLocation } from './data-dir.ts';
import {
  dataDirNotices,
  defaultDataDir,
  findConfigFile,
  type LocationHost,
  SYSTEM_CONFIG_FILE,
  SYSTEM_DATA_DIR,
} from './locations.cts';

/** A machine where only `files` exist, working in /work as `uid`. */
function host(files: readonly string[], uid = 1000): LocationHost {
  return { cwd: () => '/work', uid: () => uid, homedir: () => '/home/u', exists: (f) => files.includes(f) };
}

describe('where the data directory is', () => {
  const cases: [string, NodeJS.ProcessEnv, LocationHost, string, string][] = [
    ['PURSER_DATA, relative to the caller', { PURSER_DATA: 'd' }, host([]), '/work/d', 'PURSER_DATA'],
    [
      'a ./purser-data found in the working directory',
      {},
      host(['/work/purser-data']),
      '/work/purser-data',
      'legacy',
    ],
    [
      'PURSER_DATA before ./purser-data',
      { PURSER_DATA: '/x' },
      host(['/work/purser-data']),
      '/x',
      'PURSER_DATA',
    ],
    ['$XDG_DATA_HOME/purser', { XDG_DATA_HOME: '/xdg' }, host([]), '/xdg/purser', 'user'],
    [
      'a relative XDG_DATA_HOME is ignored',
      { XDG_DATA_HOME: 'rel', HOME: '/h' },
      host([]),
      '/h/.local/share/purser',
      'user',
    ],
    ['~/.local/share/purser from HOME', { HOME: '/h' }, host([]), '/h/.local/share/purser', 'user'],
    ['~/.local/share/purser without HOME', {}, host([]), '/home/u/.local/share/purser', 'user'],
    [
      '/var/lib/purser for root when it exists',
      { HOME: '/root' },
      host([SYSTEM_DATA_DIR], 0),
      SYSTEM_DATA_DIR,
      'system',
    ],
    ['not for another user', { HOME: '/h' }, host([SYSTEM_DATA_DIR]), '/h/.local/share/purser', 'user'],
    ['root without /var/lib/purser', { HOME: '/root' }, host([], 0), '/root/.local/share/purser', 'user'],
  ];
  for (const [name, env, machine, dataDir, source] of cases) {
    test(name, () => assert.deepEqual(defaultDataDir(env, machine), { dataDir, source }));
  }

  test('the configuration file: --config, PURSER_CONFIG, then the system file unless PURSER_DATA is set', () => {
    const withSystem = host([SYSTEM_CONFIG_FILE]);
    assert.deepEqual(findConfigFile('p.yaml', { PURSER_CONFIG: '/q.yaml' }, withSystem), {
      file: '/work/p.yaml',
      source: '--config',
    });
    assert.deepEqual(findConfigFile(undefined, { PURSER_CONFIG: 'q.yaml' }, withSystem), {
      file: '/work/q.yaml',
      source: 'PURSER_CONFIG',
    });
    assert.deepEqual(findConfigFile(undefined, {}, withSystem), {
      file: SYSTEM_CONFIG_FILE,
      source: 'system',
    });
    assert.equal(findConfigFile(undefined, { PURSER_DATA: '/d' }, withSystem), undefined);
    assert.equal(findConfigFile(undefined, {}, host([])), undefined);
  });

  test("a configuration's relative data key is relative to the file, not to the working directory", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-loc-'));
    try {
      const file = path.join(dir, 'purser.yaml');
      fs.writeFileSync(file, 'data: ./state\ndatabase: postgres://127.0.0.1/p\n');
      const location = resolveDataLocation({ config: file }, { PURSER_DATA: '/ignored' }, host([]));
      assert.deepEqual(location, {
        dataDir: path.join(dir, 'state'),
        source: 'config',
        databaseUrl: 'postgres://127.0.0.1/p',
        configFile: file,
      });
      fs.writeFileSync(file, 'listen: 127.0.0.1:5001\n');
      const fallback = resolveDataLocation({ config: file }, { PURSER_DATA: '/d' }, host([]));
      assert.equal(fallback.dataDir, '/d');
      assert.equal(fallback.source, 'PURSER_DATA');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing configuration file is a configuration error, not a stack trace', () => {
    assert.throws(
      () => resolveDataLocation({ config: '/nonexistent/purser.yaml' }, {}, host([])),
      (error: Error & { code?: string; problems?: string[] }) =>
        error.code === 'CONFIG_INVALID' && /cannot read \(ENOENT\)/.test(error.problems?.[0] ?? ''),
    );
  });
});

describe('notices about the data directory', () => {
  test('creating a directory says where and how to point at another, once', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'purser-new-')), 'nested', 'data');
    const lines: string[] = [];
    prepareDataDir({ dataDir: dir, source: 'user' }, (line) => lines.push(line));
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
    assert.match(
      lines[0] ?? '',
      new RegExp(`creating a new data directory ${dir} \\(the per-user default\\)`),
    );
    assert.match(lines[1] ?? '', /PURSER_DATA=DIR.*--config FILE/);
    prepareDataDir({ dataDir: dir, source: 'user' }, (line) => lines.push(line));
    assert.equal(lines.length, 2, 'an existing directory is used silently');
  });

  test('./purser-data is used with a deprecation notice that says where to move it', () => {
    const lines = dataDirNotices({ dataDir: '/work/purser-data', source: 'legacy' }, true);
    assert.equal(lines.length, 1);
    assert.match(
      lines[0] ?? '',
      /using \/work\/purser-data .*deprecated.*~\/\.local\/share\/purser.*PURSER_DATA/,
    );
  });
});
