/**
 * Login throttling through the HTTP surfaces (app.inject with client addresses): the right
 * password from a client that has not been failing still works, 429 carries Retry-After in
 * each surface's error shape, the per-address budget and the global breaker, refresh tokens,
 * and `unlock` reaching the server from another process on the same data directory.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOCAL_ADMINISTRATOR } from '../../src/app/caller.ts';
import { openRuntime } from '../../src/app/compose.ts';
import type { LoginThrottleSettings } from '../../src/identity/login-throttle.ts';
import { type ApiFixture, basic, openApiFixture } from './fixture.ts';

const SETTINGS: LoginThrottleSettings = {
  freeFailures: 3,
  baseDelayMs: 600_000,
  maxDelayMs: 600_000,
  addressFailures: 12,
  addressWindowMs: 600_000,
  globalFailures: 40,
  globalWindowMs: 600_000,
};

describe('login throttling', () => {
  let f: ApiFixture;
  before(async () => {
    f = await openApiFixture({ loginThrottle: SETTINGS });
    for (const name of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) {
      const created = await f.admin('POST', '/api/v1/users', { name, password: `${name}-password` });
      assert.equal(created.statusCode, 201, created.body);
    }
    const registry = await f.admin('POST', '/api/v1/registries', {
      service: 'registry.test',
      url: 'http://127.0.0.1:5999',
    });
    assert.equal(registry.statusCode, 201, registry.body);
  });
  after(() => f.close());

  const getToken = (user: string, password: string, remoteAddress: string) =>
    f.app.inject({
      method: 'GET',
      url: '/token?service=registry.test',
      headers: { authorization: basic(user, password) },
      remoteAddress,
    });
  const postToken = (body: string, remoteAddress: string) =>
    f.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
      remoteAddress,
    });
  const api = (user: string, password: string, remoteAddress: string) =>
    f.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: basic(user, password) },
      remoteAddress,
    });

  test('a guesser slows down at its own address; the owner elsewhere logs in at once', async () => {
    for (let i = 0; i < 4; i++) {
      const wrong = await getToken('alice', `guess-${i}`, '198.51.100.7');
      assert.equal(wrong.statusCode, 401, `attempt ${i}`);
    }
    const waiting = await getToken('alice', 'alice-password', '198.51.100.7');
    assert.equal(waiting.statusCode, 429, 'even the right password waits at the failing address');
    assert.equal(waiting.headers['retry-after'], '600');
    assert.equal((waiting.json() as { errors: { code: string }[] }).errors[0]!.code, 'TOOMANYREQUESTS');

    const oauth = await postToken(
      'grant_type=password&username=alice&password=alice-password&service=registry.test',
      '198.51.100.7',
    );
    assert.equal(oauth.statusCode, 429);
    assert.equal(oauth.headers['retry-after'], '600');
    assert.equal(typeof (oauth.json() as { error: string }).error, 'string', 'the OAuth shape');

    const viaApi = await api('alice', 'alice-password', '198.51.100.7');
    assert.equal(viaApi.statusCode, 429);
    assert.equal(viaApi.headers['retry-after'], '600');
    assert.equal((viaApi.json() as { errors: { code: string }[] }).errors[0]!.code, 'TOO_MANY_REQUESTS');

    assert.equal((await getToken('alice', 'alice-password', '203.0.113.5')).statusCode, 200);
    assert.equal((await api('alice', 'alice-password', '203.0.113.5')).statusCode, 200);
  });

  test('unlock (administrators) forgets the waits; others get 403, unknown names 404', async () => {
    for (let i = 0; i < 4; i++) await getToken('bob', `guess-${i}`, '198.51.100.8');
    assert.equal((await getToken('bob', 'bob-password', '198.51.100.8')).statusCode, 429);
    const asBob = await f.call('POST', '/api/v1/users/bob/unlock', { as: ['carol', 'carol-password'] });
    assert.equal(asBob.statusCode, 403, asBob.body);
    assert.equal((await f.admin('POST', '/api/v1/users/nobody/unlock')).statusCode, 404);
    const unlocked = await f.admin('POST', '/api/v1/users/bob/unlock');
    assert.equal(unlocked.statusCode, 204, unlocked.body);
    assert.equal((await getToken('bob', 'bob-password', '198.51.100.8')).statusCode, 200);
  });

  test('unlock from another process on the same data directory reaches the server', async () => {
    for (let i = 0; i < 4; i++) await getToken('dave', `guess-${i}`, '198.51.100.9');
    assert.equal((await getToken('dave', 'dave-password', '198.51.100.9')).statusCode, 429);
    const cli = await openRuntime({
      dataDir: f.dataDir,
      databaseUrl: undefined,
      publicUrl: 'http://127.0.0.1:5001',
      mode: 'private',
      issuer: 'purser',
      lifetime: 300,
    });
    try {
      await cli.services.users.unlock({ principal: LOCAL_ADMINISTRATOR }, 'dave');
    } finally {
      await cli.close();
    }
    await f.runtime.authority.refresh();
    assert.equal((await getToken('dave', 'dave-password', '198.51.100.9')).statusCode, 200);
  });

  test('refresh tokens that are not valid are throttled per address', async () => {
    for (let i = 0; i < 4; i++) {
      const bad = await postToken(
        `grant_type=refresh_token&refresh_token=forged-${i}&service=registry.test`,
        '198.51.100.10',
      );
      assert.equal(bad.statusCode, 401, bad.body);
    }
    const waiting = await postToken(
      'grant_type=refresh_token&refresh_token=forged&service=registry.test',
      '198.51.100.10',
    );
    assert.equal(waiting.statusCode, 429);
    assert.ok(waiting.headers['retry-after']);
  });

  test('an address spraying many accounts runs out of budget; other addresses do not', async () => {
    for (let i = 0; i < 12; i++) await getToken(`sprayed-${i}`, 'Winter2026!', '198.51.100.11');
    const out = await getToken('erin', 'erin-password', '198.51.100.11');
    assert.equal(out.statusCode, 429, 'the budget of the address is spent');
    assert.equal((await getToken('erin', 'erin-password', '203.0.113.6')).statusCode, 200);
  });

  test('the global breaker stops failing addresses and serves the others', async () => {
    // 4 + 4 + 4 + 4 + 12 failures so far; one failure each from many addresses opens it.
    for (let i = 0; i < 12; i++) await getToken('frank', 'nope', `192.0.2.${i + 1}`);
    const failing = await getToken('frank', 'frank-password', '192.0.2.1');
    assert.equal(failing.statusCode, 429, 'an address that failed waits while the breaker is open');
    assert.equal((await getToken('frank', 'frank-password', '203.0.113.7')).statusCode, 200);
  });

  test('a cached right password is not an attempt: it works while the pair waits', async () => {
    assert.equal((await getToken('alice', 'alice-password', '203.0.113.8')).statusCode, 200);
    for (let i = 0; i < 4; i++) await getToken('alice', `guess-${i}`, '198.51.100.12');
    assert.equal((await getToken('alice', 'alice-password', '198.51.100.12')).statusCode, 200);
  });
});
