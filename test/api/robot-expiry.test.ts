/**
 * A robot cannot be created already expired: through the API (400), the CLI (exit 2, naming
 * --expires, before any call) and the configuration file (refused at start for a new robot;
 * a robot that exists keeps a date that has passed since, which is how it stops working).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { applyDeclared } from '../../src/config/apply.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ConfigInvalid } from '../../src/domain/errors.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';
import { type ApiFixture, errorOf, openApiFixture } from './fixture.ts';

describe('robot expiry in the past', () => {
  let f: ApiFixture;
  before(async () => {
    f = await openApiFixture();
  });
  after(() => f.close());

  const robot = (name: string, expires: string | null) => ({
    name,
    repositories: ['team/*'],
    permission: 'read',
    expires,
  });

  test('the API refuses a past date with 400 and creates nothing', async () => {
    for (const expires of ['2020-01-01', new Date(Date.now() - 60_000).toISOString()]) {
      const response = await f.admin('POST', '/api/v1/robots', robot('ci+late', expires));
      assert.equal(response.statusCode, 400, response.body);
      assert.match(errorOf(response).message, /expires .* is in the past: a new robot must expire later/);
    }
    assert.equal((await f.admin('GET', '/api/v1/robots/ci+late')).statusCode, 404);
    const later = await f.admin('POST', '/api/v1/robots', robot('ci+late', '2099-12-31'));
    assert.equal(later.statusCode, 201, later.body);
    const never = await f.admin('POST', '/api/v1/robots', robot('ci+never', null));
    assert.equal(never.statusCode, 201, never.body);
  });

  test('the configuration refuses a new robot that has expired, and keeps an existing one', async () => {
    const yaml = (name: string, expires: string) =>
      `robots:\n  - { name: ${name}, secret: a-robot-secret-of-some-length, repositories: ["team/*"], permission: read, expires: ${expires} }\n`;
    await assert.rejects(
      applyDeclared(f.runtime, parseConfig(yaml('ci+old', '2020-01-01'), undefined)),
      (error: unknown) =>
        error instanceof ConfigInvalid &&
        /^robots\[0\]\.expires: 2020-01-01T23:59:59\.000Z is in the past/.test(error.problems[0] ?? ''),
    );
    assert.equal((await f.admin('GET', '/api/v1/robots/ci+old')).statusCode, 404);
    await applyDeclared(f.runtime, parseConfig(yaml('ci+late', '2020-01-01'), undefined));
    const kept = await f.admin('GET', '/api/v1/robots/ci+late');
    assert.equal((kept.json() as { expired: boolean }).expired, true, 'an existing robot may expire');
  });

  test('the CLI names --expires and exits 2', async () => {
    const data = tempDir('purser-robot-expiry-');
    try {
      const r = await purserCli(
        [
          'robot',
          'add',
          'ci+late',
          '--repository',
          'team/web',
          '--permission',
          'read',
          '--expires',
          '2020-01-01',
        ],
        { env: { PURSER_DATA: data } },
      );
      assert.equal(r.code, 2, describeResult(r));
      assert.match(r.stderr, /^purser: --expires "2020-01-01": 2020-01-01T23:59:59\.000Z is in the past/m);
    } finally {
      removeTempDir(data);
    }
  });
});
