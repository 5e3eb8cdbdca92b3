/**
 * /api/v1 groups, apps, services and robots: CRUD, secrets shown only when created or
 * regenerated, and logins with those secrets through GET /token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiFixture, basic, errorOf, openApiFixture } from './fixture.ts';

interface TokenBody {
  token: string;
}

function accessOf(body: TokenBody): { name: string; actions: string[] }[] {
  const payload = body.token.split('.')[1]!;
  return (
    JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      access: { name: string; actions: string[] }[];
    }
  ).access;
}

describe('groups, apps, services and robots API', () => {
  let f: ApiFixture;
  const token = (user: string, secret: string, scope: string) =>
    f.app.inject({
      method: 'GET',
      url: `/token?service=registry.test&scope=${encodeURIComponent(scope)}`,
      headers: { authorization: basic(user, secret) },
    });

  before(async () => {
    f = await openApiFixture();
    assert.equal(
      (
        await f.admin('POST', '/api/v1/registries', {
          service: 'registry.test',
          url: 'http://127.0.0.1:5000',
          publications: ['dev'],
        })
      ).statusCode,
      201,
    );
  });
  after(() => f.close());

  test('groups', async () => {
    const created = await f.admin('POST', '/api/v1/groups', { name: 'qa', id: 77 });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), { id: 77, name: 'qa', members: [] });
    assert.equal((await f.admin('POST', '/api/v1/groups', { name: 'qa' })).statusCode, 409);
    assert.equal((await f.admin('POST', '/api/v1/groups', { name: '42' })).statusCode, 400);
    await f.admin('POST', '/api/v1/users', { name: 'gina', groups: ['qa'] });
    assert.deepEqual(((await f.admin('GET', '/api/v1/groups/qa')).json() as { members: string[] }).members, [
      'gina',
    ]);
    assert.ok(
      ((await f.admin('GET', '/api/v1/groups')).json() as { groups: { name: string }[] }).groups.some(
        (g) => g.name === 'qa',
      ),
    );
    assert.equal((await f.admin('DELETE', '/api/v1/groups/qa')).statusCode, 204);
    assert.deepEqual(
      ((await f.admin('GET', '/api/v1/users/gina')).json() as { groups: string[] }).groups,
      [],
    );
    assert.equal((await f.admin('DELETE', '/api/v1/groups/qa')).statusCode, 404);
  });

  test('apps', async () => {
    const created = await f.admin('POST', '/api/v1/apps', {
      name: 'shop',
      id: 20,
      publications: ['dev'],
      responsibles: ['ops'],
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual(created.json(), {
      id: 20,
      name: 'shop',
      publications: ['dev'],
      responsibles: ['ops'],
      services: [],
    });
    const patched = await f.admin('PATCH', '/api/v1/apps/shop', { responsibles: ['ops', 'release'] });
    assert.deepEqual((patched.json() as { responsibles: string[] }).responsibles, ['ops', 'release']);
    assert.deepEqual((patched.json() as { publications: string[] }).publications, ['dev']);
    assert.equal((await f.admin('PATCH', '/api/v1/apps/nope', { responsibles: [] })).statusCode, 404);
    assert.equal((await f.admin('POST', '/api/v1/apps', { name: 'cart', owners: ['x'] })).statusCode, 400);
    assert.equal((await f.admin('GET', '/api/v1/apps')).statusCode, 200);
  });

  test('services: generated secret shown once, logs in, regenerate replaces it', async () => {
    const created = await f.admin('POST', '/api/v1/services', { name: 'node1.example.com', app: 'shop' });
    assert.equal(created.statusCode, 201, created.body);
    const { secret, ...view } = created.json() as { secret: string };
    assert.ok(secret && secret.length >= 24);
    assert.deepEqual(view, {
      id: (view as { id: number }).id,
      name: 'node1.example.com',
      app: 'shop',
      disabled: false,
    });

    for (const url of ['/api/v1/services', '/api/v1/services/node1.example.com', '/api/v1/apps/shop']) {
      const body = (await f.admin('GET', url)).body;
      assert.doesNotMatch(body, new RegExp(secret), url);
      assert.doesNotMatch(body, /sha256\$/, url);
    }
    const pulled = await token('node1.example.com', secret, 'repository:apps/shop/web:pull,push');
    assert.equal(pulled.statusCode, 200, pulled.body);
    assert.deepEqual(accessOf(pulled.json() as TokenBody)[0]!.actions, ['pull']);

    const given = await f.admin('POST', '/api/v1/services', {
      name: 'node2.example.com',
      app: 'shop',
      secret: 'a-secret-of-enough-length',
    });
    assert.equal(given.statusCode, 201);
    assert.equal((given.json() as { secret?: string }).secret, undefined, 'a given secret is not echoed');
    assert.equal(
      (await f.admin('POST', '/api/v1/services', { name: 'node3', app: 'shop', secret: 'short' })).statusCode,
      400,
    );
    const unknownApp = await f.admin('POST', '/api/v1/services', { name: 'node4', app: 'ghost' });
    assert.equal(unknownApp.statusCode, 400);
    assert.match(errorOf(unknownApp).message, /unknown app "ghost"/);
    assert.equal(
      (await f.admin('POST', '/api/v1/services', { name: 'gina', app: 'shop' })).statusCode,
      409,
      'names are shared with users',
    );

    const regenerated = await f.admin('POST', '/api/v1/services/node1.example.com/regenerate');
    assert.equal(regenerated.statusCode, 200);
    const fresh = (regenerated.json() as { secret: string }).secret;
    assert.notEqual(fresh, secret);
    assert.equal((await token('node1.example.com', secret, 'repository:apps/shop/web:pull')).statusCode, 401);
    assert.equal((await token('node1.example.com', fresh, 'repository:apps/shop/web:pull')).statusCode, 200);

    const disabled = await f.admin('PATCH', '/api/v1/services/node1.example.com', { disabled: true });
    assert.equal((disabled.json() as { disabled: boolean }).disabled, true);
    assert.equal((await token('node1.example.com', fresh, 'repository:apps/shop/web:pull')).statusCode, 401);
    assert.equal((await f.admin('DELETE', '/api/v1/services/node1.example.com')).statusCode, 204);
    assert.equal((await f.admin('GET', '/api/v1/services/node1.example.com')).statusCode, 404);
  });

  test('robots: owner+name, repositories, permission, expiry, regenerate', async () => {
    const bad: [unknown, RegExp][] = [
      [{ name: 'builder', repositories: ['team/web'], permission: 'write' }, /owner\+name/],
      [{ name: 'ci+builder', repositories: [], permission: 'write' }, /at least one repository/],
      [
        { name: 'ci+builder', repositories: ['team/web'], permission: 'root' },
        /permission is read, write or admin/,
      ],
      [
        { name: 'ci+builder', repositories: ['team/web'], permission: 'write', expires: 'soon-ish-maybe' },
        /body\.expires: "soon-ish-maybe" is not a date/,
      ],
    ];
    for (const [body, message] of bad) {
      const response = await f.admin('POST', '/api/v1/robots', body);
      assert.equal(response.statusCode, 400, JSON.stringify(body));
      assert.match(errorOf(response).message, message);
    }
    const created = await f.admin('POST', '/api/v1/robots', {
      name: 'ci+builder',
      repositories: ['team/web', 'team/api-*'],
      permission: 'write',
      expires: '2099-12-31',
    });
    assert.equal(created.statusCode, 201, created.body);
    const { secret } = created.json() as { secret: string };
    assert.equal((created.json() as { expires: string }).expires, '2099-12-31T23:59:59.000Z');
    assert.doesNotMatch((await f.admin('GET', '/api/v1/robots')).body, new RegExp(secret));

    const push = await token('ci+builder', secret, 'repository:team/api-v2:pull,push,delete');
    assert.deepEqual(accessOf(push.json() as TokenBody)[0]!.actions, ['pull', 'push']);
    const other = await token('ci+builder', secret, 'repository:team/other:pull');
    assert.deepEqual(accessOf(other.json() as TokenBody)[0]!.actions, []);

    const patched = await f.admin('PATCH', '/api/v1/robots/ci+builder', {
      permission: 'admin',
      expires: null,
    });
    assert.equal((patched.json() as { permission: string }).permission, 'admin');
    assert.equal((patched.json() as { expires: null }).expires, null);
    const expired = await f.admin('PATCH', '/api/v1/robots/ci+builder', { expires: '2001-01-01' });
    assert.equal((expired.json() as { expired: boolean }).expired, true);

    const regenerated = await f.admin('POST', '/api/v1/robots/ci+builder/regenerate');
    const fresh = (regenerated.json() as { secret: string }).secret;
    assert.notEqual(fresh, secret);
    assert.equal((await token('ci+builder', secret, 'repository:team/web:pull')).statusCode, 401);
    assert.equal((await f.admin('DELETE', '/api/v1/robots/ci+builder')).statusCode, 204);
    assert.equal((await f.admin('POST', '/api/v1/robots/ci+builder/regenerate')).statusCode, 404);
  });

  test('audit entries record changes without secrets', async () => {
    await f.runtime.audit.flush();
    const rows = await f.runtime.db.selectFrom('audit_log').selectAll().execute();
    const text = JSON.stringify(rows);
    assert.match(text, /robot\.create/);
    assert.match(text, /service\.regenerate/);
    assert.doesNotMatch(text, /a-secret-of-enough-length/);
  });
});
