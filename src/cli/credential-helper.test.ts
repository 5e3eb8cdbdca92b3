/**
 * The helper protocol, byte for byte as docker-credential-helpers' `credentials.Serve` speaks
 * it: outputs, error texts on stdout, exit codes, `<token>` escaping.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openLocalVault } from '../app/local-vault.ts';
import { localActor } from '../vault/actor.ts';
import { type HelperIo, runHelper } from './credential-helper.cts';

let dataDir = '';

async function call(
  args: string[],
  stdin = '',
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  let out = '';
  const io: HelperIo = {
    argv: ['node', 'docker-credential-purser', ...args],
    env: { PURSER_DATA: dataDir, ...env },
    readStdin: async () => stdin,
    write: (text) => {
      out += text;
    },
  };
  const code = await runHelper(io);
  return { code, out };
}

describe('docker-credential-purser protocol', () => {
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-helper-unit-'));
    const local = await openLocalVault({}, { PURSER_DATA: dataDir });
    await local.vault.add({ address: '127.0.0.1:5000', username: 'alice', secret: 's3cr3t' }, localActor());
    await local.vault.add({ address: 'docker.io', username: 'hub', secret: 'hubpw' }, localActor());
    await local.vault.add(
      { address: 'id.example', username: '<token>', secret: 'refresh', kind: 'identity-token' },
      localActor(),
    );
    await local.vault.add({ address: 'off.example', username: 'o', secret: 'o' }, localActor());
    await local.vault.setState('default', 'off.example', 'deactivated', localActor());
    await local.close();
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('get: ServerURL echoes the input, JSON + newline, Go escaping of <token>', async () => {
    assert.deepEqual(await call(['get'], '127.0.0.1:5000\n'), {
      code: 0,
      out: '{"ServerURL":"127.0.0.1:5000","Username":"alice","Secret":"s3cr3t"}\n',
    });
    assert.deepEqual(await call(['get'], 'https://index.docker.io/v1/'), {
      code: 0,
      out: '{"ServerURL":"https://index.docker.io/v1/","Username":"hub","Secret":"hubpw"}\n',
    });
    assert.deepEqual(await call(['get'], '  docker.io  \n'), {
      code: 0,
      out: '{"ServerURL":"docker.io","Username":"hub","Secret":"hubpw"}\n',
    });
    assert.deepEqual(await call(['get'], 'http://127.0.0.1:5000'), {
      code: 0,
      out: '{"ServerURL":"http://127.0.0.1:5000","Username":"alice","Secret":"s3cr3t"}\n',
    });
    assert.deepEqual(await call(['get'], 'id.example'), {
      code: 0,
      out: '{"ServerURL":"id.example","Username":"\\u003ctoken\\u003e","Secret":"refresh"}\n',
    });
  });

  test('errors: stdout, exit 1, the standard texts', async () => {
    assert.deepEqual(await call(['get'], 'missing.example'), {
      code: 1,
      out: 'credentials not found in native keychain\n',
    });
    assert.deepEqual(await call(['get'], '\n'), { code: 1, out: 'no credentials server URL\n' });
    assert.deepEqual(await call(['erase'], ''), { code: 1, out: 'no credentials server URL\n' });
    assert.deepEqual(await call(['store'], '{"ServerURL":"","Username":"u","Secret":"s"}'), {
      code: 1,
      out: 'no credentials server URL\n',
    });
    assert.deepEqual(await call(['store'], '{"ServerURL":"x.example","Username":"","Secret":"s"}'), {
      code: 1,
      out: 'no credentials username\n',
    });
    assert.deepEqual(await call(['get'], 'off.example'), {
      code: 1,
      out: 'registry off.example is deactivated\n',
    });
    assert.deepEqual(await call(['frobnicate']), {
      code: 1,
      out: 'docker-credential-purser: unknown action: frobnicate\n',
    });
    assert.deepEqual(await call([]), {
      code: 1,
      out: 'Usage: docker-credential-purser <store|get|erase|list|version>\n',
    });
    assert.deepEqual(await call(['get', 'extra']), {
      code: 1,
      out: 'Usage: docker-credential-purser <store|get|erase|list|version>\n',
    });
    const badJson = await call(['store'], 'nul');
    assert.equal(badJson.code, 1);
    assert.equal(badJson.out.split('\n').length, 2, 'one line');
  });

  test('help and version exit 0', async () => {
    assert.deepEqual(await call(['--help']), {
      code: 0,
      out: 'Usage: docker-credential-purser <store|get|erase|list|version>\n',
    });
    assert.deepEqual(await call(['-v']), { code: 0, out: 'docker-credential-purser (purser) 0.1.0\n' });
    assert.deepEqual(await call(['version']), { code: 0, out: 'docker-credential-purser (purser) 0.1.0\n' });
  });

  test('store (multi-line JSON), list, erase', async () => {
    assert.deepEqual(
      await call(
        ['store'],
        '{"ServerURL":"https://new.example:5000",\n"Username":"<token>",\n"Secret":"rt"}\n',
      ),
      { code: 0, out: '' },
    );
    assert.deepEqual(await call(['get'], 'new.example:5000'), {
      code: 0,
      out: '{"ServerURL":"new.example:5000","Username":"\\u003ctoken\\u003e","Secret":"rt"}\n',
    });
    assert.deepEqual(await call(['list'], 'unused'), {
      code: 0,
      out: '{"127.0.0.1:5000":"alice","https://index.docker.io/v1/":"hub","id.example":"\\u003ctoken\\u003e","new.example:5000":"\\u003ctoken\\u003e"}\n',
    });
    assert.deepEqual(await call(['erase'], 'http://new.example:5000'), { code: 0, out: '' });
    assert.deepEqual(await call(['get'], 'new.example:5000'), {
      code: 1,
      out: 'credentials not found in native keychain\n',
    });
  });

  test('an empty data directory is a miss, not an error (and creates nothing)', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-helper-empty-'));
    try {
      assert.deepEqual(await call(['get'], 'quay.io', { PURSER_DATA: empty }), {
        code: 1,
        out: 'credentials not found in native keychain\n',
      });
      assert.deepEqual(await call(['list'], '', { PURSER_DATA: empty }), { code: 0, out: '{}\n' });
      assert.deepEqual(fs.readdirSync(empty), []);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
