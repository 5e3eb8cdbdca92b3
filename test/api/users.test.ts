/**
 * /api/v1/users: CRUD, password changes, validation, htpasswd import (bcrypt kept, then
 * re-hashed to argon2id on the first login through GET /token).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import bcrypt from 'bcryptjs';
import { type ApiFixture, basic, errorOf, openApiFixture } from './fixture.ts';

describe('users API', () => {
  let f: ApiFixture;
  before(async () => {
    f = await openApiFixture();
    const registry = await f.admin('POST', '/api/v1/registries', {
      service: 'registry.test',
      url: 'http://127.0.0.1:5000',
      publications: ['dev'],
    });
    assert.equal(registry.statusCode, 201, registry.body);
  });
  after(() => f.close());

  test('create, show, list, update, delete', async () => {
    const created = await f.admin('POST', '/api/v1/users', {
      name: 'alice',
      id: 41,
      password: 'alice-password',
      groups: ['dev', 'ops'],
      privileges: ['puller', 'DockerRegistriesPusher'],
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), {
      id: 41,
      name: 'alice',
      groups: ['dev', 'ops'],
      privileges: ['DockerRegistriesPuller', 'DockerRegistriesPusher'],
      admin: false,
      disabled: false,
      password: 'argon2id',
      source: null,
    });
    assert.doesNotMatch(created.body, /\$argon2|alice-password/);

    const again = await f.admin('POST', '/api/v1/users', { name: 'alice' });
    assert.equal(again.statusCode, 409);
    assert.match(errorOf(again).message, /already exists/);

    const list = await f.admin('GET', '/api/v1/users');
    assert.equal(list.statusCode, 200);
    assert.deepEqual((list.json() as { users: { name: string }[] }).users.map((u) => u.name).sort(), [
      'alice',
      'root',
    ]);
    assert.doesNotMatch(list.body, /\$argon2/);

    const patched = await f.admin('PATCH', '/api/v1/users/alice', {
      groups: ['ops'],
      privileges: ['manager'],
      disabled: true,
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual((patched.json() as { groups: string[] }).groups, ['ops']);
    assert.deepEqual((patched.json() as { privileges: string[] }).privileges, ['DockerRegistriesManager']);
    assert.equal((patched.json() as { disabled: boolean }).disabled, true);
    // A disabled user cannot authenticate against the API any more.
    const denied = await f.call('GET', '/api/v1/me', { as: ['alice', 'alice-password'] });
    assert.equal(denied.statusCode, 401);

    assert.equal((await f.admin('PATCH', '/api/v1/users/nobody', { admin: true })).statusCode, 404);
    const removed = await f.admin('DELETE', '/api/v1/users/alice');
    assert.equal(removed.statusCode, 204);
    assert.equal((await f.admin('GET', '/api/v1/users/alice')).statusCode, 404);
    assert.equal((await f.admin('DELETE', '/api/v1/users/alice')).statusCode, 404);
  });

  test('validation errors are 400 with a message naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ name: 'bob', pasword: 'typo-in-key' }, /body\.pasword: unexpected property/],
      [{ name: '1234' }, /must not be all digits/],
      [{ name: 'bob', privileges: ['root'] }, /unknown privilege "root"/],
      [{ name: 'bob', password: 'short' }, /body\.password: passwords have 8 to 1024 characters/],
      [{ name: 'b b' }, /body\.name: use 1 to 255 letters/],
      [{ name: 'bob', admin: 'yes' }, /body\.admin/],
      [{}, /body: expected required property|body\.name/],
    ];
    for (const [body, message] of cases) {
      const response = await f.admin('POST', '/api/v1/users', body);
      assert.equal(response.statusCode, 400, `${JSON.stringify(body)} → ${response.body}`);
      assert.equal(errorOf(response).code, 'BAD_REQUEST');
      assert.match(errorOf(response).message, message, JSON.stringify(body));
    }
    const notJson = await f.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { authorization: basic('root', 'root-password'), 'content-type': 'application/json' },
      payload: '{"name":',
    });
    assert.equal(notJson.statusCode, 400);
  });

  test('users change their own password; only administrators change others', async () => {
    await f.admin('POST', '/api/v1/users', { name: 'carol', password: 'carol-password' });
    await f.admin('POST', '/api/v1/users', { name: 'dave', password: 'dave-password' });
    const me = await f.call('GET', '/api/v1/me', { as: ['carol', 'carol-password'] });
    assert.equal(me.statusCode, 200);
    assert.equal((me.json() as { name: string }).name, 'carol');

    const other = await f.call('PUT', '/api/v1/users/dave/password', {
      as: ['carol', 'carol-password'],
      body: { password: 'hijacked-password' },
    });
    assert.equal(other.statusCode, 403);
    const own = await f.call('PUT', '/api/v1/users/carol/password', {
      as: ['carol', 'carol-password'],
      body: { password: 'carol-new-password' },
    });
    assert.equal(own.statusCode, 204, own.body);
    assert.equal((await f.call('GET', '/api/v1/me', { as: ['carol', 'carol-password'] })).statusCode, 401);
    assert.equal(
      (await f.call('GET', '/api/v1/me', { as: ['carol', 'carol-new-password'] })).statusCode,
      200,
    );

    const byAdmin = await f.admin('PUT', '/api/v1/users/dave/password', { password: 'dave-new-password' });
    assert.equal(byAdmin.statusCode, 204);
    assert.equal((await f.call('GET', '/api/v1/me', { as: ['dave', 'dave-new-password'] })).statusCode, 200);
    assert.equal(
      (await f.call('PUT', '/api/v1/users/dave/password', { body: { password: 'anonymous-try' } }))
        .statusCode,
      401,
    );
  });

  test('a bearer token Purser issues to itself (service = issuer) authenticates API calls', async () => {
    const issued = await f.app.inject({
      method: 'GET',
      url: '/token?service=purser',
      headers: { authorization: basic('root', 'root-password') },
    });
    assert.equal(issued.statusCode, 200, issued.body);
    const { token } = issued.json() as { token: string };
    const list = await f.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.headers['cache-control'], 'no-store');
    const forged = await f.app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${token.slice(0, -4)}AAAA` },
    });
    assert.equal(forged.statusCode, 401);
  });

  test('the last enabled administrator cannot be removed, disabled or demoted', async () => {
    assert.equal((await f.admin('DELETE', '/api/v1/users/root')).statusCode, 409);
    assert.equal((await f.admin('PATCH', '/api/v1/users/root', { admin: false })).statusCode, 409);
    assert.equal((await f.admin('PATCH', '/api/v1/users/root', { disabled: true })).statusCode, 409);
  });

  test('import-htpasswd keeps bcrypt hashes, reports bad lines, skips existing users, re-hashes on login', async () => {
    const hash = bcrypt.hashSync('erin-password', 4).replace(/^\$2b\$/, '$2y$');
    const existing = bcrypt.hashSync('other-password', 4);
    await f.admin('POST', '/api/v1/users', { name: 'frank', password: 'frank-password' });
    const content = [
      '# imported from registry htpasswd',
      `erin:${hash}`,
      'broken-line',
      'md5user:$apr1$abc$def',
      `frank:${existing}`,
      '',
    ].join('\n');
    const response = await f.admin('POST', '/api/v1/users/import-htpasswd', {
      content,
      groups: ['dev'],
      privileges: ['puller'],
    });
    assert.equal(response.statusCode, 200, response.body);
    const report = response.json() as {
      created: string[];
      updated: string[];
      skipped: { name: string }[];
      problems: string[];
    };
    assert.deepEqual(report.created, ['erin']);
    assert.deepEqual(report.updated, []);
    assert.deepEqual(
      report.skipped.map((s) => s.name),
      ['frank'],
    );
    assert.equal(report.problems.length, 2);
    assert.match(report.problems.join('\n'), /line 3: expected name:hash/);
    assert.match(report.problems.join('\n'), /line 4: md5user: only bcrypt/);

    const erin = await f.admin('GET', '/api/v1/users/erin');
    assert.equal((erin.json() as { password: string }).password, 'bcrypt');
    assert.deepEqual((erin.json() as { groups: string[] }).groups, ['dev']);
    assert.doesNotMatch(erin.body, /\$2y\$/);

    const wrong = await f.app.inject({
      method: 'GET',
      url: '/token?service=registry.test',
      headers: { authorization: basic('erin', 'not-her-password') },
    });
    assert.equal(wrong.statusCode, 401);
    const token = await f.app.inject({
      method: 'GET',
      url: '/token?service=registry.test&scope=repository:team/web:pull',
      headers: { authorization: basic('erin', 'erin-password') },
    });
    assert.equal(token.statusCode, 200, token.body);

    const deadline = Date.now() + 10_000;
    let stored = '';
    while (Date.now() < deadline) {
      const row = await f.runtime.db
        .selectFrom('users')
        .select('password_hash')
        .where('name', '=', 'erin')
        .executeTakeFirstOrThrow();
      stored = row.password_hash ?? '';
      if (stored.startsWith('$argon2id$')) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(stored, /^\$argon2id\$/);
    const again = await f.app.inject({
      method: 'GET',
      url: '/token?service=registry.test',
      headers: { authorization: basic('erin', 'erin-password') },
    });
    assert.equal(again.statusCode, 200);
    assert.equal(
      ((await f.admin('GET', '/api/v1/users/erin')).json() as { password: string }).password,
      'argon2id',
    );

    const update = await f.admin('POST', '/api/v1/users/import-htpasswd', {
      content: `frank:${existing}\n`,
      update: true,
    });
    assert.deepEqual((update.json() as { updated: string[] }).updated, ['frank']);
    assert.equal((await f.call('GET', '/api/v1/me', { as: ['frank', 'other-password'] })).statusCode, 200);
  });
});
