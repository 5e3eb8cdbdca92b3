/**
 * The management API on PostgreSQL: users, robots and registries CRUD, and the change being
 * visible to a second authority (replica) on the same database after refresh.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../support/postgres.ts';
import { type ApiFixture, basic, openApiFixture } from './fixture.ts';

describe('management API on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  let fixture: ApiFixture | undefined;
  after(async () => {
    await fixture?.close();
    await database?.drop();
  });

  test('users, robots and registries CRUD', async (t) => {
    if (!(await requirePostgres(t))) return;
    database = await createTestDatabase();
    fixture = await openApiFixture({ databaseUrl: database.url });
    const f = fixture;
    const user = await f.admin('POST', '/api/v1/users', {
      name: 'alice',
      password: 'alice-password',
      groups: ['dev', 'ops'],
      privileges: ['puller', 'pusher'],
    });
    assert.equal(user.statusCode, 201, user.body);
    assert.deepEqual((user.json() as { groups: string[] }).groups, ['dev', 'ops']);
    assert.equal((await f.admin('PATCH', '/api/v1/users/alice', { groups: ['ops', 'dev'] })).statusCode, 200);
    assert.deepEqual(((await f.admin('GET', '/api/v1/users/alice')).json() as { groups: string[] }).groups, [
      'ops',
      'dev',
    ]);

    const registry = await f.admin('POST', '/api/v1/registries', {
      service: 'registry.test',
      url: 'http://127.0.0.1:5000',
      publications: ['dev'],
      responsibles: ['ops'],
      sync_interval: 30,
    });
    assert.equal(registry.statusCode, 201, registry.body);
    assert.equal((registry.json() as { sync_interval: number }).sync_interval, 30);
    const patched = await f.admin('PATCH', '/api/v1/registries/registry.test', {
      restricted: true,
      publications: ['dev', 'qa'],
    });
    assert.deepEqual((patched.json() as { publications: string[] }).publications, ['dev', 'qa']);

    const robot = await f.admin('POST', '/api/v1/robots', {
      name: 'ci+builder',
      repositories: ['team/*'],
      permission: 'write',
      expires: '2099-01-01',
    });
    assert.equal(robot.statusCode, 201, robot.body);
    const { secret } = robot.json() as { secret: string };
    const token = await f.app.inject({
      method: 'GET',
      url: '/token?service=registry.test&scope=repository:team/web:push',
      headers: { authorization: basic('ci+builder', secret) },
    });
    assert.equal(token.statusCode, 200, token.body);
    const regenerated = await f.admin('POST', '/api/v1/robots/ci+builder/regenerate');
    assert.notEqual((regenerated.json() as { secret: string }).secret, secret);

    assert.equal((await f.admin('DELETE', '/api/v1/robots/ci+builder')).statusCode, 204);
    assert.equal((await f.admin('DELETE', '/api/v1/registries/registry.test')).statusCode, 204);
    assert.equal((await f.admin('DELETE', '/api/v1/users/alice')).statusCode, 204);
    const users = (await f.admin('GET', '/api/v1/users')).json() as { users: { name: string }[] };
    assert.deepEqual(
      users.users.map((u) => u.name),
      ['root'],
    );
    assert.deepEqual(
      ((await f.admin('GET', '/api/v1/registries')).json() as { registries: unknown[] }).registries,
      [],
    );
  });
});
