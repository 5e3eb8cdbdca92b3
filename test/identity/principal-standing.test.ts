/**
 * "May this principal act now", through the running server (app.inject): an expired robot is
 * denied by explain and by /token; an API Bearer token a robot got before its expiry reads no
 * secret after it; a refresh token or API Bearer token of a deleted user does not pass for a
 * user created again under the same name (the two holes of issue 12, section 1).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashSecret } from '../../src/identity/password.ts';
import { type ApiFixture, basic, openApiFixture } from '../api/fixture.ts';

const SERVICE = 'registry.test';

describe('principal standing', () => {
  let f: ApiFixture;

  const token = async (authorization: string, service = SERVICE, scope = 'repository:team/web:pull') => {
    const response = await f.app.inject({
      method: 'GET',
      url: `/token?service=${service}&scope=${scope}`,
      headers: { authorization },
    });
    return response;
  };
  const grantedOf = (jwt: string) =>
    (
      JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as {
        access: { actions: string[] }[];
      }
    ).access;

  before(async () => {
    f = await openApiFixture();
    await f.writers.registries.upsert({ service: SERVICE, url: 'http://127.0.0.1:5000' });
    await f.runtime.authority.refresh();
  });
  after(async () => {
    await f?.close();
  });

  test('an expired robot is denied by explain and gets nothing from /token', async () => {
    await f.writers.robots.upsert({
      name: 'ci+old',
      secretHash: hashSecret('old-robot-secret-1'),
      repositories: ['team/**'],
      permission: 'read',
      expiresAt: Date.now() - 60_000,
    });
    await f.writers.robots.upsert({
      name: 'ci+live',
      secretHash: hashSecret('live-robot-secret-1'),
      repositories: ['team/**'],
      permission: 'read',
      expiresAt: Date.now() + 3_600_000,
    });
    await f.runtime.authority.refresh();

    const explained = await f.admin(
      'GET',
      `/api/v1/explain?account=ci%2Bold&kind=robot&service=${SERVICE}&scope=repository:team/web:pull`,
    );
    assert.equal(explained.statusCode, 200, explained.body);
    const [explanation] = explained.json().explanations as {
      granted: string[];
      actions: { clause: string }[];
    }[];
    assert.deepEqual(explanation!.granted, []);
    assert.equal(explanation!.actions[0]!.clause, 'robot-expired');

    const live = await f.admin(
      'GET',
      `/api/v1/explain?account=ci%2Blive&kind=robot&service=${SERVICE}&scope=repository:team/web:pull`,
    );
    assert.deepEqual(live.json().explanations[0].granted, ['pull'], 'a robot before its expiry may pull');

    assert.equal((await token(basic('ci+old', 'old-robot-secret-1'))).statusCode, 401);
    const ok = await token(basic('ci+live', 'live-robot-secret-1'));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(grantedOf(ok.json().token)[0]!.actions, ['pull']);
  });

  test("a robot's API Bearer token reads no secret after the robot expires", async () => {
    await f.writers.robots.upsert({
      name: 'ci+brief',
      secretHash: hashSecret('brief-robot-secret'),
      repositories: ['**'],
      permission: 'read',
      expiresAt: Date.now() + 1_500,
    });
    await f.runtime.authority.refresh();
    assert.equal((await f.admin('PUT', '/api/v1/environments/ops/grants/robot/ci+brief')).statusCode, 200);
    const stored = await f.admin('POST', '/api/v1/environments/ops/credentials', {
      address: 'registry.example.com',
      username: 'deploy',
      secret: 'vault-Secret-1',
    });
    assert.equal(stored.statusCode, 201, stored.body);

    const issued = await token(basic('ci+brief', 'brief-robot-secret'), 'purser', '');
    assert.equal(issued.statusCode, 200, issued.body);
    const bearer = `Bearer ${issued.json().token}`;
    const read = () =>
      f.app.inject({
        method: 'GET',
        url: '/api/v1/environments/ops/credentials/registry.example.com/secret',
        headers: { authorization: bearer },
      });
    const before = await read();
    assert.equal(before.statusCode, 200, before.body);
    assert.equal(before.json().secret, 'vault-Secret-1');

    await sleep(1_600);
    const afterExpiry = await read();
    assert.equal(afterExpiry.statusCode, 401, afterExpiry.body);
    assert.ok(!afterExpiry.body.includes('vault-Secret-1'));
  });

  test("a deleted user's refresh token and API token do not pass for a namesake created after", async () => {
    const create = () =>
      f.admin('POST', '/api/v1/users', { name: 'dave', password: 'dave-password-1', privileges: ['puller'] });
    assert.equal((await create()).statusCode, 201);
    const login = await f.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'password',
        username: 'dave',
        password: 'dave-password-1',
        service: SERVICE,
        access_type: 'offline',
        client_id: 'test',
      }).toString(),
    });
    assert.equal(login.statusCode, 200, login.body);
    const refreshToken = login.json().refresh_token as string;
    const redeem = () =>
      f.app.inject({
        method: 'POST',
        url: '/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          service: SERVICE,
        }).toString(),
      });
    // Redeemed once, so its lookup is in the refresh-token cache.
    assert.equal((await redeem()).statusCode, 200);
    const api = await token(basic('dave', 'dave-password-1'), 'purser', '');
    const bearer = { authorization: `Bearer ${api.json().token}` };
    assert.equal(
      (await f.app.inject({ method: 'GET', url: '/api/v1/users/dave', headers: bearer })).statusCode,
      200,
    );

    assert.equal((await f.admin('DELETE', '/api/v1/users/dave')).statusCode, 204);
    assert.equal((await create()).statusCode, 201, 'a namesake, same password, credential version 1 again');

    const replayed = await redeem();
    assert.equal(replayed.statusCode, 401, replayed.body);
    assert.equal(replayed.json().error, 'invalid_grant');
    const reused = await f.app.inject({ method: 'GET', url: '/api/v1/users/dave', headers: bearer });
    assert.equal(reused.statusCode, 401, reused.body);

    // The namesake itself logs in as usual.
    assert.equal((await token(basic('dave', 'dave-password-1'))).statusCode, 200);
  });
});
