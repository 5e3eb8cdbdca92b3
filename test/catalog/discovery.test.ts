/**
 * Discovery against a real docker-registry: finds repositories pushed while Purser was not
 * looking (stopped), follows catalog and tags pagination, marks repositories whose tags are all
 * gone as empty, and survives a registry failing mid-crawl without losing index entries.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { syncRegistry } from '../../src/catalog/discovery.ts';
import { loadRepositories } from '../../src/catalog/repository-store.ts';
import { RegistryClient } from '../../src/registry-client/registry-client.ts';
import { requireBinary } from '../support/binaries.ts';
import { type Registry as RunningRegistry, startRegistry } from '../support/registry.ts';
import { insertRegistry, openTestStore, type TestStore } from './fixtures.ts';
import { startFlakyProxy } from './flaky-proxy.ts';
import { pushImage } from './push-image.ts';

let store: TestStore | undefined;
let running: RunningRegistry | undefined;

before(async () => {
  store = await openTestStore();
});
after(async () => {
  await running?.stop();
  await store?.close();
});

async function indexState(registryId: number): Promise<Map<string, { empty: boolean; tags: string[] }>> {
  const db = store!.handle.db;
  const repos = await loadRepositories(db, registryId);
  const result = new Map<string, { empty: boolean; tags: string[] }>();
  for (const repo of repos) {
    const tags = await db
      .selectFrom('repository_tags')
      .select('tag')
      .where('repository_id', '=', repo.id)
      .orderBy('tag')
      .execute();
    result.set(repo.name, { empty: repo.empty, tags: tags.map((t) => t.tag) });
  }
  return result;
}

test('discovery finds, updates and never loses what it knows', { timeout: 180_000 }, async (t) => {
  if (!requireBinary(t, 'docker-registry')) return;
  running = await startRegistry();
  const client = new RegistryClient({ url: running.url });
  const db = store!.handle.db;
  const registry = await insertRegistry(store!.handle, 'discovery.test', running.url);

  // 1. Initial content, crawled with small pages so the Link pagination is exercised.
  for (let i = 0; i < 12; i++)
    await pushImage(client, `team/svc-${String(i).padStart(2, '0')}`, ['v1', 'latest'], `svc ${i}`);
  const first = await syncRegistry(db, registry, undefined, { pageSize: 5, concurrency: 4 });
  assert.equal(first.repositories, 12);
  assert.equal(first.newRepositories, 12);
  assert.equal(first.tagsAdded, 24);
  assert.equal(first.failures, 0);
  assert.equal(first.catalogComplete, true);
  let state = await indexState(registry.id);
  assert.deepEqual(state.get('team/svc-03'), { empty: false, tags: ['latest', 'v1'] });
  const digest = await db
    .selectFrom('repository_tags')
    .select('digest')
    .where('tag', '=', 'v1')
    .executeTakeFirst();
  assert.match(digest?.digest ?? '', /^sha256:[0-9a-f]{64}$/, 'new tags are resolved to digests');

  // 2. While Purser is stopped: new repositories, a new tag, and a repository emptied.
  await pushImage(client, 'team/late-a', ['v1'], 'late a');
  await pushImage(client, 'team/late-b', ['v1', 'v2'], 'late b');
  await pushImage(client, 'team/svc-00', ['v2'], 'svc 0 v2');
  const gone = await client.headManifest('team/svc-01', 'v1');
  await client.deleteManifest('team/svc-01', gone!.digest); // v1 and latest share it
  const second = await syncRegistry(db, registry, undefined, { pageSize: 5 });
  assert.equal(second.repositories, 14);
  assert.equal(second.newRepositories, 2);
  assert.equal(second.emptied, 1);
  state = await indexState(registry.id);
  assert.deepEqual(state.get('team/late-b'), { empty: false, tags: ['v1', 'v2'] });
  assert.deepEqual(state.get('team/svc-00')?.tags, ['latest', 'v1', 'v2']);
  assert.deepEqual(state.get('team/svc-01'), { empty: true, tags: [] }, 'kept, marked empty');

  // 3. No change: nothing written.
  const third = await syncRegistry(db, registry, undefined, { pageSize: 5 });
  assert.equal(third.changedRepositories + third.newRepositories + third.tagsAdded + third.tagsRemoved, 0);

  // 4. The registry fails mid-crawl: some tags/list calls 500, one connection is cut, and then
  //    the catalog's second page fails. Meanwhile tags really changed upstream.
  const before = await indexState(registry.id);
  await client.deleteManifest('team/svc-02', (await client.headManifest('team/svc-02', 'v1'))!.digest);
  const proxy = await startFlakyProxy(running.url);
  try {
    const flaky = { ...registry, url: proxy.url };
    proxy.decide = (_method, path) => {
      if (path.startsWith('/v2/team/svc-0') && path.includes('/tags/list') && /svc-0[2-6]/.test(path))
        return path.includes('svc-04') ? 'reset' : 500;
      return 'pass';
    };
    const failing = await syncRegistry(db, flaky, undefined, { pageSize: 5, timeoutMs: 3000 });
    assert.equal(failing.failures, 5);
    assert.equal(failing.catalogComplete, true);
    let now = await indexState(registry.id);
    for (const name of ['team/svc-02', 'team/svc-03', 'team/svc-04', 'team/svc-05', 'team/svc-06']) {
      assert.deepEqual(now.get(name), before.get(name), `${name} is untouched after its fetch failed`);
    }
    assert.equal(now.size, before.size);

    // The catalog itself fails after its first page: nothing it did not list is touched.
    proxy.decide = (_method, path) =>
      path.startsWith('/v2/_catalog') && path.includes('last=') ? 503 : 'pass';
    const partial = await syncRegistry(db, flaky, undefined, { pageSize: 5 });
    assert.equal(partial.catalogComplete, false);
    assert.equal(partial.repositories, 5);
    now = await indexState(registry.id);
    assert.equal(now.size, before.size);
    for (const [name, entry] of before)
      if (name > 'team/svc-02') assert.deepEqual(now.get(name), entry, `${name} kept`);

    // The registry goes away entirely.
    proxy.decide = () => 'reset';
    const down = await syncRegistry(db, flaky, undefined, { timeoutMs: 2000 });
    assert.equal(down.catalogComplete, false);
    assert.equal(down.repositories, 0);
    assert.deepEqual(await indexState(registry.id), now, 'a dead registry changes nothing');
  } finally {
    await proxy.close();
  }

  // 5. Back to normal: the real change (svc-02 emptied) is picked up.
  const healed = await syncRegistry(db, registry, undefined, {});
  assert.equal(healed.failures, 0);
  assert.deepEqual((await indexState(registry.id)).get('team/svc-02'), { empty: true, tags: [] });
});

test(
  'the scheduler syncs every registry at start and on its interval, and stops cleanly',
  { timeout: 60_000 },
  async (t) => {
    if (!requireBinary(t, 'docker-registry')) return;
    const own = await startRegistry();
    try {
      const client = new RegistryClient({ url: own.url });
      await pushImage(client, 'sched/one', ['v1'], 'scheduled one');
      const registry = await insertRegistry(store!.handle, 'scheduler.test', own.url);
      await store!.handle.db
        .updateTable('registries')
        .set({ sync_interval: 1 })
        .where('id', '=', registry.id)
        .execute();
      const { startDiscoveryScheduler } = await import('../../src/catalog/discovery-scheduler.ts');
      const { startCatalogApp, tokenIssuer } = await import('./catalog-app.ts');
      const { issuer } = await tokenIssuer();
      const { testModel } = await import('./fixtures.ts');
      const app = await startCatalogApp({
        handle: store!.handle,
        model: () => testModel([registry]),
        issuer,
      });
      const stop = startDiscoveryScheduler(app.ctx, { tickMs: 200 });
      try {
        const seen = async (name: string) => {
          for (let i = 0; i < 100; i++) {
            if ((await indexState(registry.id)).has(name)) return true;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          return false;
        };
        assert.ok(await seen('sched/one'), 'synced at start');
        await pushImage(client, 'sched/two', ['v1'], 'scheduled two');
        assert.ok(await seen('sched/two'), 'synced again after sync_interval');
      } finally {
        await stop();
        await app.close();
      }
    } finally {
      await own.stop();
    }
  },
);
