import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ANONYMOUS,
  admin,
  alice,
  bob,
  DEV,
  insertRegistry,
  openTestStore,
  principal,
  type TestStore,
  testModel,
} from '../../test/catalog/fixtures.ts';
import type { Principal, Registry } from '../domain/model.ts';
import { updateProperties } from './repository-properties.ts';
import { applyTagPush, bumpCatalogVersion, ensureRepository } from './repository-store.ts';
import { searchRepositories, v1Body } from './search.ts';
import { SearchIndex } from './search-index.ts';

let store: TestStore;
let registry: Registry;

const REPOS = [
  'users/alice/web',
  'users/bob/api',
  'groups/dev/tools',
  'groups/ops/secret',
  'library/nginx',
  'team/empty',
];

before(async () => {
  store = await openTestStore();
  registry = await insertRegistry(store.handle, 'registry.test', 'http://127.0.0.1:1', {
    publications: [DEV],
  });
  const db = store.handle.db;
  for (const name of REPOS) {
    const id = await ensureRepository(db, registry.id, name, 1);
    if (name !== 'team/empty') await applyTagPush(db, id, 'v1', 'sha256:x', 1);
    if (name === 'library/nginx')
      await updateProperties(db, id, { description: 'Web server', official: true });
  }
  await bumpCatalogVersion(db);
});
after(() => store.close());

async function names(
  who: Principal,
  query = '',
  extra: { model?: ReturnType<typeof testModel>; includeEmpty?: boolean } = {},
): Promise<string[]> {
  const index = new SearchIndex(store.handle.db);
  const model = extra.model ?? testModel([registry]);
  const outcome = await searchRepositories(index, model, [registry], {
    query,
    principal: who,
    ...(extra.includeEmpty ? { includeEmpty: true } : {}),
  });
  return outcome.hits.map((h) => h.repository.name);
}

test("alice sees her repositories and not bob's", async () => {
  assert.deepEqual(await names(principal(alice)), ['groups/dev/tools', 'library/nginx', 'users/alice/web']);
  assert.deepEqual(await names(principal(bob)), ['groups/dev/tools', 'library/nginx', 'users/bob/api']);
});

test('anonymous sees nothing by default; administrators see everything with tags', async () => {
  assert.deepEqual(await names(ANONYMOUS), []);
  assert.deepEqual(await names(principal(admin)), REPOS.filter((n) => n !== 'team/empty').sort());
  assert.deepEqual(await names(principal(admin), '', { includeEmpty: true }), [...REPOS].sort());
});

test('the query matches names and descriptions, case-insensitively', async () => {
  assert.deepEqual(await names(principal(alice), 'WEB'), ['library/nginx', 'users/alice/web']);
  assert.deepEqual(await names(principal(alice), 'nginx'), ['library/nginx']);
  assert.deepEqual(await names(principal(alice), 'api'), []);
});

test('custom rules with repository globs are honoured (decided per name)', async () => {
  const model = testModel([registry], {
    rules: [{ effect: 'deny', actions: ['pull'], repository: 'library/**' }],
  });
  assert.deepEqual(await names(principal(alice), '', { model }), ['groups/dev/tools', 'users/alice/web']);
  const anonymousRule = testModel([registry], {
    rules: [
      { effect: 'allow', actions: ['pull'], repository: 'library/*', principals: { kinds: ['anonymous'] } },
    ],
  });
  assert.deepEqual(await names(ANONYMOUS, '', { model: anonymousRule }), ['library/nginx']);
});

test('robots see only their repositories', async () => {
  const robot = {
    id: 9,
    name: 'ci+reader',
    repositories: ['users/bob/**', 'library/nginx'],
    permission: 'read' as const,
    expiresAt: null,
    disabled: false,
  };
  const model = testModel([registry], { robots: [robot] });
  assert.deepEqual(await names({ kind: 'robot', robot }, '', { model }), ['library/nginx', 'users/bob/api']);
});

test('the v1 body has the fields docker and podman read, with paging', async () => {
  const index = new SearchIndex(store.handle.db);
  const outcome = await searchRepositories(index, testModel([registry]), [registry], {
    query: '',
    principal: principal(alice),
    pageSize: 2,
    page: 2,
  });
  const body = v1Body(outcome);
  assert.equal(body.num_results, 3);
  assert.equal(body.page, 2);
  assert.equal(body.num_pages, 2);
  assert.equal(body.page_size, 2);
  assert.deepEqual(body.results, [
    { name: 'users/alice/web', description: '', star_count: 0, is_official: false, is_automated: false },
  ]);
  const first = v1Body(
    await searchRepositories(index, testModel([registry]), [registry], {
      query: 'nginx',
      principal: principal(alice),
    }),
  );
  assert.deepEqual(first.results, [
    {
      name: 'library/nginx',
      description: 'Web server',
      star_count: 0,
      is_official: true,
      is_automated: false,
    },
  ]);
});

test('index reloads after a write elsewhere (catalog_version)', async () => {
  const index = new SearchIndex(store.handle.db, { checkEveryMs: 0 });
  const model = testModel([registry]);
  const before = await searchRepositories(index, model, [registry], {
    query: 'fresh',
    principal: principal(alice),
  });
  assert.equal(before.numResults, 0);
  const id = await ensureRepository(store.handle.db, registry.id, 'library/fresh', 2);
  await applyTagPush(store.handle.db, id, 'v1', null, 2);
  await bumpCatalogVersion(store.handle.db);
  // Another writer: the index notices within checkEveryMs (in the background) and reloads.
  let found = 0;
  for (let i = 0; i < 100 && found === 0; i++) {
    found = (
      await searchRepositories(index, model, [registry], { query: 'fresh', principal: principal(alice) })
    ).numResults;
    if (found === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(found, 1);
});
