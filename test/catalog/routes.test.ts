/**
 * The catalog's HTTP surface with app.inject (no registry needed): v1 ping and search format,
 * v2 search fields, the filtered catalog with Link paging, repository properties (push to edit,
 * pull to star), and who may read the audit log.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { applyTagPush, bumpCatalogVersion, ensureRepository } from '../../src/catalog/repository-store.ts';
import type { Registry } from '../../src/domain/model.ts';
import { basic, type CatalogApp, startCatalogApp, tokenIssuer } from './catalog-app.ts';
import {
  alice,
  bob,
  carol,
  DEV,
  insertRegistry,
  OPS,
  openTestStore,
  type TestStore,
  testModel,
} from './fixtures.ts';

let store: TestStore;
let app: CatalogApp;
let registry: Registry;
let other: Registry;

before(async () => {
  store = await openTestStore();
  // registry.test: dev publishes and is responsible; ops (carol, a manager) is responsible too.
  registry = await insertRegistry(store.handle, 'registry.test', 'http://127.0.0.1:1', {
    publications: [DEV],
    responsibles: [DEV, OPS],
  });
  other = await insertRegistry(store.handle, 'other.test', 'http://127.0.0.1:2', {
    publications: [DEV],
    responsibles: [DEV],
  });
  const db = store.handle.db;
  const names = ['users/alice/web', 'users/bob/api', 'team/a', 'team/b', 'team/c'];
  for (const name of names) {
    const id = await ensureRepository(db, registry.id, name, 1);
    await applyTagPush(db, id, 'v1', `sha256:${'1'.repeat(64)}`, 1000);
  }
  const otherId = await ensureRepository(db, other.id, 'team/elsewhere', 1);
  await applyTagPush(db, otherId, 'v1', null, 1);
  await bumpCatalogVersion(db);
  await store.handle.db
    .insertInto('audit_log')
    .values(
      [registry, other].map((r, i) => ({
        time: 1,
        source: 'registry' as const,
        event_id: `x${i}`,
        action: 'pull',
        actor: 'alice',
        actor_kind: 'user' as const,
        outcome: 'success' as const,
        target: null,
        service: r.service,
        repository: 'team/a',
        tag: 'v1',
        digest: null,
        media_type: null,
        size: null,
        source_address: '127.0.0.1',
        user_agent: null,
        details: null,
      })),
    )
    .execute();
  const { issuer } = await tokenIssuer();
  app = await startCatalogApp({ handle: store.handle, model: () => testModel([registry, other]), issuer });
});
after(async () => {
  await app?.close();
  await store?.close();
});

const get = async (url: string, user?: string) => {
  const response = await app.app.inject({
    method: 'GET',
    url,
    headers: user ? { authorization: basic(user) } : {},
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : undefined,
  };
};

test('GET /v1/_ping says standalone so docker sends credentials', async () => {
  const response = await app.app.inject({ method: 'GET', url: '/v1/_ping' });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['x-docker-registry-standalone'], 'true');
});

test('/v1/search: exact docker format, filtered per caller, per registry', async () => {
  const asAlice = await get('/v1/search?q=&n=10', 'alice');
  assert.deepEqual(Object.keys(asAlice.body!).sort(), [
    'num_pages',
    'num_results',
    'page',
    'page_size',
    'query',
    'results',
  ]);
  const names = (asAlice.body!.results as { name: string }[]).map((r) => r.name);
  assert.deepEqual(names, ['team/a', 'team/b', 'team/c', 'team/elsewhere', 'users/alice/web']);
  const viaNginx = await app.app.inject({
    method: 'GET',
    url: '/v1/search?q=team',
    headers: { authorization: basic('alice'), 'x-purser-service': 'registry.test' },
  });
  assert.deepEqual(
    (JSON.parse(viaNginx.body) as { results: { name: string }[] }).results.map((r) => r.name),
    ['team/a', 'team/b', 'team/c'],
  );
  const asBob = await get('/v1/search?q=users&service=registry.test', 'bob');
  assert.deepEqual(
    (asBob.body!.results as { name: string }[]).map((r) => r.name),
    ['users/bob/api'],
  );
  const anonymous = await get('/v1/search?q=team');
  assert.equal(anonymous.body!.num_results, 0);
  const paged = await get('/v1/search?q=team&n=2&page=2&service=registry.test', 'alice');
  assert.deepEqual(
    [paged.body!.num_results, paged.body!.num_pages, paged.body!.page, paged.body!.page_size],
    [3, 2, 2, 2],
  );
  assert.equal((await get('/v1/search?service=nope', 'alice')).status, 404);
});

test('/v2/search adds tags, last push and the registry', async () => {
  const body = (await get('/v2/search?q=alice', 'alice')).body as {
    results: { name: string; tags: string[]; last_push: string; registry: string }[];
  };
  assert.deepEqual(body.results, [
    {
      name: 'users/alice/web',
      description: '',
      star_count: 0,
      is_official: false,
      is_automated: false,
      registry: 'registry.test',
      tags: ['v1'],
      last_push: new Date(1000).toISOString(),
    },
  ]);
});

test('filtered catalog in Distribution format with Link paging', async () => {
  const first = await get('/api/v1/registries/registry.test/catalog?n=2', 'bob');
  assert.deepEqual(first.body, { repositories: ['team/a', 'team/b'] });
  const link = String(first.headers.link);
  const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
  assert.ok(next, link);
  const second = await get(next, 'bob');
  assert.deepEqual(second.body, { repositories: ['team/c', 'users/bob/api'] });
  assert.equal(second.headers.link, undefined);
});

test('repository properties: pushers edit, pullers star, others see nothing', async () => {
  const patch = (user: string, body: unknown) =>
    app.app.inject({
      method: 'PATCH',
      url: '/api/v1/registries/registry.test/repositories/team/a',
      headers: { authorization: basic(user) },
      payload: body as object,
    });
  assert.equal((await patch('alice', { description: 'The A service', is_automated: true })).statusCode, 200);
  assert.equal((await patch('alice', { is_official: 'yes' })).statusCode, 400);
  const star = (user: string, method: 'PUT' | 'DELETE') =>
    app.app.inject({
      method,
      url: '/api/v1/registries/registry.test/stars/team/a',
      headers: { authorization: basic(user) },
    });
  assert.equal((await star('alice', 'PUT')).statusCode, 200);
  assert.equal(JSON.parse((await star('bob', 'PUT')).body).star_count, 2);
  assert.equal(JSON.parse((await star('bob', 'PUT')).body).star_count, 2, 'one star per principal');
  const result = (await get('/v1/search?q=the%20a%20service', 'alice')).body as { results: unknown[] };
  assert.deepEqual(result.results, [
    { name: 'team/a', description: 'The A service', star_count: 2, is_official: false, is_automated: true },
  ]);
  // bob may pull users/alice/web? No: it is invisible to him (404, existence not revealed).
  const hidden = await app.app.inject({
    method: 'PATCH',
    url: '/api/v1/registries/registry.test/repositories/users/alice/web',
    headers: { authorization: basic('bob') },
    payload: { description: 'x' },
  });
  assert.equal(hidden.statusCode, 404);
  const detail = await get('/api/v1/registries/registry.test/repositories/users/alice/web', 'alice');
  assert.deepEqual(
    (detail.body as { tags: { tag: string }[] }).tags.map((t) => t.tag),
    ['v1'],
  );
});

test('audit log: administrators and responsible managers only', async () => {
  assert.equal((await get('/api/v1/audit', 'bob')).status, 403);
  assert.equal((await get('/api/v1/audit')).status, 401);
  const carolSees = (await get('/api/v1/audit?action=pull', carol.name)).body as {
    total: number;
    entries: { service: string }[];
  };
  assert.equal(carolSees.total, 1);
  assert.equal(carolSees.entries[0]!.service, 'registry.test', 'carol manages registry.test only');
  const adminSees = (await get('/api/v1/audit?action=pull', 'root')).body as { total: number };
  assert.equal(adminSees.total, 2);
  assert.equal((await get('/api/v1/audit?since=yesterday', 'root')).status, 400);
  void alice;
  void bob;
});
