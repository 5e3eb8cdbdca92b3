/**
 * Performance target (issue 6): discovery of a real registry with 2,000 repositories x 5 tags,
 * full sync <= 60 s and a resync with no change <= 10 s. Filling the registry takes a while, so
 * this runs only with PURSER_PERF=1 (bench/CI perf job); otherwise it is skipped with a reason.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import { after, test } from 'node:test';
import { syncRegistry } from '../../src/catalog/discovery.ts';
import { RegistryClient } from '../../src/registry-client/registry-client.ts';
import { requireBinary } from '../support/binaries.ts';
import { type Registry as RunningRegistry, startRegistry } from '../support/registry.ts';
import { insertRegistry, openTestStore, type TestStore } from './fixtures.ts';
import { pushImage } from './push-image.ts';

const REPOSITORIES = Number(process.env.PURSER_PERF_REPOSITORIES ?? 2000);
const TAGS = 5;
let store: TestStore | undefined;
let running: RunningRegistry | undefined;
after(async () => {
  await running?.stop();
  await store?.close();
});

test(`discovery of ${REPOSITORIES} repositories x ${TAGS} tags`, { timeout: 1_800_000 }, async (t) => {
  if (!process.env.PURSER_PERF) {
    t.skip('set PURSER_PERF=1 to run the discovery performance test');
    return;
  }
  if (!requireBinary(t, 'docker-registry')) return;
  running = await startRegistry();
  store = await openTestStore();
  const client = new RegistryClient({ url: running.url, timeoutMs: 60_000 });
  const tags = Array.from({ length: TAGS }, (_, i) => `v${i}`);
  const fillStart = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < REPOSITORIES) {
        const i = next++;
        await pushImage(client, `perf/repo-${String(i).padStart(5, '0')}`, tags, `image ${i}`);
      }
    }),
  );
  process.stderr.write(
    `# filled ${REPOSITORIES} repositories in ${((Date.now() - fillStart) / 1000).toFixed(1)} s\n`,
  );
  const registry = await insertRegistry(store.handle, 'perf.test', running.url);
  const full = await syncRegistry(store.handle.db, registry, undefined, { concurrency: 16 });
  assert.equal(full.repositories, REPOSITORIES);
  assert.equal(full.tagsAdded, REPOSITORIES * TAGS);
  assert.equal(full.failures, 0);
  const again = await syncRegistry(store.handle.db, registry, undefined, { concurrency: 16 });
  assert.equal(again.changedRepositories + again.newRepositories, 0);
  const [load] = os.loadavg();
  process.stderr.write(
    `# discovery: full sync ${(full.durationMs / 1000).toFixed(1)} s (index complete after ${(full.indexedMs / 1000).toFixed(1)} s, ` +
      `${full.digestsResolved} digests), no-change resync ${(again.durationMs / 1000).toFixed(1)} s; load average ${load!.toFixed(1)} on ${os.cpus().length} CPUs\n`,
  );
  // The registry and Purser share the machine; on an oversubscribed one the times say little.
  if (load! < os.cpus().length) {
    assert.ok(full.durationMs <= 60_000, `full sync took ${full.durationMs} ms`);
    assert.ok(again.durationMs <= 10_000, `resync took ${again.durationMs} ms`);
  }
});
