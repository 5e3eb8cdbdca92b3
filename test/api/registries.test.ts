/**
 * /api/v1/registries and the authorization matrix of the management API: administrators,
 * managers responsible for a registry vs not, plain users, services and anonymous callers.
 * Also `mode: public` registry creation and the config formats.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { type ApiFixture, errorOf, openApiFixture } from './fixture.ts';

type Who = 'root' | 'mia' | 'nick' | 'paul' | 'svc' | 'anonymous';
const CREDENTIALS: Record<Exclude<Who, 'anonymous'>, readonly [string, string]> = {
  root: ['root', 'root-password'],
  mia: ['mia', 'mia-password'],
  nick: ['nick', 'nick-password'],
  paul: ['paul', 'paul-password'],
  svc: ['node1.example.com', 'service-secret-0123456789'],
};

describe('registries API and authorization', () => {
  let f: ApiFixture;
  const as = (who: Who, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) =>
    f.call(method, url, { as: who === 'anonymous' ? undefined : CREDENTIALS[who], body });

  before(async () => {
    f = await openApiFixture({ publicUrl: 'https://purser.example.com' });
    const setup: [string, string, unknown][] = [
      [
        'POST',
        '/api/v1/registries',
        {
          service: 'registry.test',
          url: 'http://127.0.0.1:5000',
          insecure: true,
          publications: ['dev'],
          responsibles: ['ops'],
          sync_interval: 60,
        },
      ],
      [
        'POST',
        '/api/v1/registries',
        {
          service: 'other.test',
          url: 'https://other.example.com',
          restricted: true,
          publications: ['dev'],
          responsibles: ['sec'],
        },
      ],
      [
        'POST',
        '/api/v1/users',
        { name: 'mia', password: 'mia-password', groups: ['ops'], privileges: ['manager', 'puller'] },
      ],
      [
        'POST',
        '/api/v1/users',
        { name: 'nick', password: 'nick-password', groups: ['dev'], privileges: ['manager'] },
      ],
      [
        'POST',
        '/api/v1/users',
        { name: 'paul', password: 'paul-password', groups: ['ops'], privileges: ['puller', 'pusher'] },
      ],
      ['POST', '/api/v1/apps', { name: 'shop', publications: ['dev'] }],
      [
        'POST',
        '/api/v1/services',
        { name: 'node1.example.com', app: 'shop', secret: 'service-secret-0123456789' },
      ],
    ];
    for (const [method, url, body] of setup) {
      const response = await f.admin(method as 'POST', url, body);
      assert.equal(response.statusCode, 201, `${url}: ${response.body}`);
    }
  });
  after(() => f.close());

  test('registry CRUD as administrator', async () => {
    const shown = await f.admin('GET', '/api/v1/registries/registry.test');
    assert.deepEqual(shown.json(), {
      id: (shown.json() as { id: number }).id,
      service: 'registry.test',
      url: 'http://127.0.0.1:5000',
      insecure: true,
      restricted: false,
      publications: ['dev'],
      responsibles: ['ops'],
      sync_interval: 60,
    });
    assert.equal(
      (await f.admin('POST', '/api/v1/registries', { service: 'registry.test', url: 'http://x:1' }))
        .statusCode,
      409,
    );
    const badUrl = await f.admin('POST', '/api/v1/registries', { service: 'third.test', url: 'ftp://x' });
    assert.equal(badUrl.statusCode, 400);
    assert.match(errorOf(badUrl).message, /body\.url: the registry URL/);
    const issuer = await f.admin('POST', '/api/v1/registries', { service: 'purser', url: 'http://x:1' });
    assert.equal(issuer.statusCode, 400, "the issuer name is the API's own audience");
    const created = await f.admin('POST', '/api/v1/registries', {
      service: 'third.test',
      url: 'http://127.0.0.1:5002',
    });
    assert.equal(created.statusCode, 201);
    assert.equal((await f.admin('DELETE', '/api/v1/registries/third.test')).statusCode, 204);
    assert.equal((await f.admin('GET', '/api/v1/registries/third.test')).statusCode, 404);
  });

  test('authorization matrix', async () => {
    const expectations: [Who, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, unknown, number][] = [
      ['root', 'GET', '/api/v1/registries/registry.test', undefined, 200],
      ['mia', 'GET', '/api/v1/registries/registry.test', undefined, 200],
      ['nick', 'GET', '/api/v1/registries/registry.test', undefined, 403],
      ['paul', 'GET', '/api/v1/registries/registry.test', undefined, 403],
      ['svc', 'GET', '/api/v1/registries/registry.test', undefined, 403],
      ['anonymous', 'GET', '/api/v1/registries/registry.test', undefined, 401],
      ['paul', 'GET', '/api/v1/registries/ghost.test', undefined, 403],
      ['mia', 'GET', '/api/v1/registries/ghost.test', undefined, 404],
      ['mia', 'PATCH', '/api/v1/registries/registry.test', { insecure: false }, 200],
      ['nick', 'PATCH', '/api/v1/registries/registry.test', { insecure: false }, 403],
      ['paul', 'PATCH', '/api/v1/registries/registry.test', { insecure: false }, 403],
      ['anonymous', 'PATCH', '/api/v1/registries/registry.test', { insecure: false }, 401],
      ['mia', 'PATCH', '/api/v1/registries/other.test', { insecure: false }, 403],
      ['mia', 'GET', '/api/v1/registries/registry.test/config?format=bundle', undefined, 200],
      ['nick', 'GET', '/api/v1/registries/registry.test/config?format=bundle', undefined, 403],
      ['mia', 'POST', '/api/v1/registries', { service: 'mine.test', url: 'http://127.0.0.1:5003' }, 403],
      ['mia', 'DELETE', '/api/v1/registries/registry.test', undefined, 403],
      ['paul', 'GET', '/api/v1/registries', undefined, 403],
      ['anonymous', 'GET', '/api/v1/registries', undefined, 401],
      ['mia', 'GET', '/api/v1/users', undefined, 403],
      ['paul', 'POST', '/api/v1/users', { name: 'eve' }, 403],
      ['anonymous', 'GET', '/api/v1/users', undefined, 401],
      ['svc', 'GET', '/api/v1/users', undefined, 403],
      ['paul', 'GET', '/api/v1/users/paul', undefined, 200],
      ['paul', 'GET', '/api/v1/users/mia', undefined, 403],
      ['mia', 'GET', '/api/v1/groups', undefined, 403],
      ['mia', 'POST', '/api/v1/apps', { name: 'x' }, 403],
      ['mia', 'GET', '/api/v1/services', undefined, 403],
      ['mia', 'GET', '/api/v1/robots', undefined, 403],
      ['mia', 'GET', '/api/v1/keys', undefined, 403],
      ['anonymous', 'POST', '/api/v1/keys/rotate', {}, 401],
      ['paul', 'GET', '/api/v1/rules', undefined, 403],
      ['paul', 'PUT', '/api/v1/rules', [], 403],
      ['svc', 'GET', '/api/v1/me', undefined, 200],
      ['anonymous', 'GET', '/api/v1/me', undefined, 401],
      [
        'mia',
        'GET',
        '/api/v1/explain?account=paul&service=registry.test&scope=repository:team/web:push',
        undefined,
        200,
      ],
      [
        'nick',
        'GET',
        '/api/v1/explain?account=paul&service=registry.test&scope=repository:team/web:push',
        undefined,
        403,
      ],
      [
        'paul',
        'GET',
        '/api/v1/explain?account=paul&service=registry.test&scope=repository:team/web:push',
        undefined,
        200,
      ],
      ['anonymous', 'GET', '/api/v1/openapi.json', undefined, 200],
    ];
    const failures: string[] = [];
    for (const [who, method, url, body, status] of expectations) {
      const response = await as(who, method, url, body);
      if (response.statusCode !== status)
        failures.push(
          `${who} ${method} ${url}: expected ${status}, got ${response.statusCode} ${response.body.slice(0, 200)}`,
        );
      if (status === 401)
        assert.match(String(response.headers['www-authenticate'] ?? ''), /^Basic /, `${method} ${url}`);
      if (status >= 400) assert.ok(errorOf(response).message.length > 0);
    }
    assert.deepEqual(failures, []);

    const miaList = (await as('mia', 'GET', '/api/v1/registries')).json() as {
      registries: { service: string }[];
    };
    assert.deepEqual(
      miaList.registries.map((r) => r.service),
      ['registry.test'],
    );
    assert.deepEqual(
      ((await as('nick', 'GET', '/api/v1/registries')).json() as { registries: unknown[] }).registries,
      [],
    );
    assert.equal(
      ((await f.admin('GET', '/api/v1/registries')).json() as { registries: unknown[] }).registries.length,
      2,
    );
    assert.deepEqual(((await as('mia', 'GET', '/api/v1/me')).json() as { manages: string[] }).manages, [
      'registry.test',
    ]);
  });

  test('config formats: distribution, bundle, jwks', async () => {
    const distribution = await f.admin(
      'GET',
      '/api/v1/registries/registry.test/config?format=distribution&rootcertbundle=/certs/purser.pem',
    );
    assert.equal(distribution.statusCode, 200, distribution.body);
    const yaml = parse(distribution.body) as {
      auth: { token: Record<string, string> };
      storage: { delete: { enabled: boolean } };
      notifications: { endpoints: { url: string; headers: Record<string, string[]> }[] };
    };
    assert.deepEqual(yaml.auth.token, {
      realm: 'https://purser.example.com/token',
      service: 'registry.test',
      issuer: 'purser',
      rootcertbundle: '/certs/purser.pem',
    });
    assert.equal(yaml.storage.delete.enabled, true);
    assert.equal(
      yaml.notifications.endpoints[0]!.url,
      'https://purser.example.com/notifications/registry.test',
    );
    const defaultPath = parse(
      (await f.admin('GET', '/api/v1/registries/registry.test/config?format=distribution')).body,
    ) as typeof yaml;
    assert.equal(defaultPath.auth.token.rootcertbundle, '/etc/docker/registry/purser-bundle.pem');

    const bundle = await f.admin('GET', '/api/v1/registries/registry.test/config?format=bundle');
    const certificates =
      bundle.body.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    assert.equal(certificates.length, f.runtime.authority.ring.published.length);
    const jwks = (await f.admin('GET', '/api/v1/registries/registry.test/config?format=jwks')).json() as {
      keys: { kid: string; x5c: string[] }[];
    };
    assert.deepEqual(
      jwks.keys.map((k) => k.kid),
      f.runtime.authority.ring.published.map((k) => k.kid),
    );
    // The bundle holds exactly the JWKS keys' certificates.
    const fromBundle = certificates.map((pem) => new crypto.X509Certificate(pem).raw.toString('base64'));
    assert.deepEqual(
      fromBundle,
      jwks.keys.map((k) => k.x5c[0]),
    );

    const bad = await f.admin('GET', '/api/v1/registries/registry.test/config?format=toml');
    assert.equal(bad.statusCode, 400);
    assert.match(errorOf(bad).message, /format is distribution, bundle, jwks or nginx/);
    assert.equal((await f.admin('GET', '/api/v1/registries/ghost.test/config?format=jwks')).statusCode, 404);
  });
});

describe('registries in mode: public', () => {
  let f: ApiFixture;
  before(async () => {
    f = await openApiFixture({ mode: 'public' });
    assert.equal(
      (
        await f.admin('POST', '/api/v1/users', {
          name: 'quinn',
          password: 'quinn-password',
          groups: ['team-q', 'other'],
        })
      ).statusCode,
      201,
    );
    assert.equal(
      (
        await f.admin('POST', '/api/v1/users', {
          name: 'rita',
          password: 'rita-password',
          groups: ['team-r'],
        })
      ).statusCode,
      201,
    );
  });
  after(() => f.close());

  test("a registry created by a user gets the creator's primary group as responsible and publication group", async () => {
    const created = await f.call('POST', '/api/v1/registries', {
      as: ['quinn', 'quinn-password'],
      body: { service: 'q.test', url: 'http://127.0.0.1:5010', publications: ['guests'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const view = created.json() as { publications: string[]; responsibles: string[] };
    assert.deepEqual(view.publications, ['guests', 'team-q']);
    assert.deepEqual(view.responsibles, ['team-q']);
    assert.equal(
      (
        await f.call('PATCH', '/api/v1/registries/q.test', {
          as: ['quinn', 'quinn-password'],
          body: { restricted: true },
        })
      ).statusCode,
      200,
    );
    assert.equal(
      (
        await f.call('PATCH', '/api/v1/registries/q.test', {
          as: ['rita', 'rita-password'],
          body: { restricted: false },
        })
      ).statusCode,
      403,
    );
    assert.equal(
      (await f.call('DELETE', '/api/v1/registries/q.test', { as: ['quinn', 'quinn-password'] })).statusCode,
      403,
    );
    assert.equal((await f.call('GET', '/api/v1/users', { as: ['quinn', 'quinn-password'] })).statusCode, 403);
  });
});
