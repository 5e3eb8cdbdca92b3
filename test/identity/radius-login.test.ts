/**
 * People of a real FreeRADIUS (loopback, a users file, Filter-Id reply values as groups) log in
 * to a running Purser (app.inject): mapped groups become grants at /token, a wrong OTP and an
 * unknown name get the same 401, local accounts are never sent to RADIUS, and a stopped server
 * gives 503 within the timeout.
 */
import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import { hashPassword } from '../../src/identity/password.ts';
import { parseIdentitySources } from '../../src/identity/sources/source-config.ts';
import { type ApiFixture, basic, openApiFixture, ROOT } from '../api/fixture.ts';
import { hasBinary, requireBinary } from '../support/binaries.ts';
import { type FreeRadius, RADIUS_SECRET, startFreeRadius } from '../support/freeradius.ts';

const SERVICE = 'registry.test';

describe('RADIUS people log in to Purser (FreeRADIUS)', { concurrency: false }, () => {
  let radius: FreeRadius | undefined;
  let f: ApiFixture | undefined;

  const ready = (t: TestContext): boolean => requireBinary(t, 'freeradius') && f !== undefined;
  const pull = (user: string, password: string) =>
    f!.app.inject({
      method: 'GET',
      url: `/token?service=${SERVICE}&scope=repository:team/web:pull`,
      headers: { authorization: basic(user, password) },
    });
  const granted = (body: string): string[] =>
    (
      JSON.parse(
        Buffer.from((JSON.parse(body) as { token: string }).token.split('.')[1]!, 'base64url').toString(),
      ) as { access: { actions: string[] }[] }
    ).access[0]?.actions ?? [];

  before(async () => {
    if (!hasBinary('freeradius')) return;
    radius = await startFreeRadius();
    const parsed = parseIdentitySources([
      {
        name: 'otp',
        kind: 'radius',
        address: radius.address,
        secret: RADIUS_SECRET,
        groups_attribute: 'Filter-Id',
        groups: { 'radius-devs': 'dev' },
        privileges: { 'radius-devs': ['puller'] },
        timeout: 1,
      },
    ]);
    assert.deepEqual(parsed.problems, []);
    f = await openApiFixture({ identitySources: parsed.sources });
    await f.writers.groups.upsert('dev');
    await f.writers.registries.upsert({
      service: SERVICE,
      url: 'http://127.0.0.1:5000',
      publications: ['dev'],
    });
    await f.writers.users.upsert({ name: 'bob', passwordHash: await hashPassword('bob-local-pw') });
    await f.runtime.authority.refresh();
  });
  after(async () => {
    await f?.close();
    await radius?.stop();
  });

  test('Filter-Id values map to groups and grants; the user is bound to the source', async (t) => {
    if (!ready(t)) return;
    const alice = await pull('alice', 'alice-otp');
    assert.equal(alice.statusCode, 200, alice.body);
    assert.deepEqual(granted(alice.body), ['pull']);
    const user = (await f!.admin('GET', '/api/v1/users/alice')).json();
    assert.equal(user.source, 'otp');
    assert.deepEqual(user.groups, ['dev']);
    assert.deepEqual(user.privileges, ['DockerRegistriesPuller']);
  });

  test('a wrong OTP and an unknown name get the same 401; a local name never reaches RADIUS', async (t) => {
    if (!ready(t)) return;
    const wrong = await pull('alice', 'alice-wrong');
    assert.equal(wrong.statusCode, 401);
    const unknown = await pull('nobody', 'whatever-1');
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.body, wrong.body);
    // bob is a local account: his RADIUS password does not open it, his local one does.
    assert.equal((await pull('bob', 'bob-otp')).statusCode, 401);
    assert.equal((await pull('bob', 'bob-local-pw')).statusCode, 200);
    assert.doesNotMatch(radius!.logs(), /User-Name = "bob"/);
  });

  test('RADIUS stopped: 503 within the timeout, local accounts keep working', async (t) => {
    if (!ready(t)) return;
    await radius!.stop();
    const started = Date.now();
    const response = await pull('carol', 'carol-otp');
    assert.equal(response.statusCode, 503, response.body);
    assert.match(response.body, /identity source otp cannot be reached/);
    assert.ok(!response.body.includes(RADIUS_SECRET));
    assert.ok(Date.now() - started < 4_000, 'answered within the timeout');
    assert.equal((await pull(ROOT.name, ROOT.password)).statusCode, 200);
  });
});
