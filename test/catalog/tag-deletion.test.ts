/**
 * Tag deletion against a real docker-registry: deleting app:v1 leaves app:v1-alias (same digest)
 * pullable (skopeo copies it), the access model decides who may delete, a dry run changes
 * nothing, bulk deletion removes every tag, and a registry with deletes disabled is reported
 * clearly without touching the tag.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { syncRegistry } from '../../src/catalog/discovery.ts';
import type { CatalogRegistry } from '../../src/catalog/registry-lookup.ts';
import { findRepositoryId, tagsOf } from '../../src/catalog/repository-store.ts';
import { deleteTags } from '../../src/catalog/tag-service.ts';
import { Denied } from '../../src/domain/errors.ts';
import { RegistryClient } from '../../src/registry-client/registry-client.ts';
import { hasBinary, requireBinary } from '../support/binaries.ts';
import { describeResult } from '../support/proc.ts';
import { type Registry as RunningRegistry, startRegistry } from '../support/registry.ts';
import { skopeo } from '../support/skopeo.ts';
import {
  alice,
  bob,
  DEV,
  insertRegistry,
  OPS,
  openTestStore,
  principal,
  type TestStore,
  testModel,
} from './fixtures.ts';
import { pushImage } from './push-image.ts';

let store: TestStore;
const registries: RunningRegistry[] = [];

before(async () => {
  store = await openTestStore();
});
after(async () => {
  for (const r of registries) await r.stop();
  await store.close();
});

async function setup(
  service: string,
  deleteEnabled = true,
): Promise<{ registry: CatalogRegistry; client: RegistryClient; running: RunningRegistry }> {
  const running = await startRegistry({ deleteEnabled });
  registries.push(running);
  // alice is in dev (publication + responsible: may push, so may delete); bob only in a group
  // the registry publishes to (may pull, not push).
  const registry = {
    ...(await insertRegistry(store.handle, service, running.url, {
      publications: [DEV, OPS],
      responsibles: [DEV],
    })),
    syncInterval: null,
  };
  return { registry, client: new RegistryClient({ url: running.url }), running };
}

function deps(registry: CatalogRegistry) {
  const bobInOps = { ...bob, groups: [OPS] };
  return {
    db: store.handle.db,
    model: testModel([registry], { users: [alice, bobInOps] }),
    tokens: () => undefined,
    audit: new AuditLog(store.handle.db),
  };
}

test('deleting app:v1 leaves app:v1-alias (same digest) pullable', { timeout: 120_000 }, async (t) => {
  if (!requireBinary(t, 'docker-registry')) return;
  const { registry, client, running } = await setup('tags.test');
  const image = await pushImage(client, 'team/app', ['v1', 'v1-alias'], 'shared image');
  const other = await pushImage(client, 'team/app', ['v2'], 'another image');
  await syncRegistry(store.handle.db, registry, undefined);

  const d = deps(registry);
  await assert.rejects(
    deleteTags(d, registry, principal({ ...bob, groups: [OPS] }), { repository: 'team/app', tags: ['v1'] }),
    Denied,
  );

  const dry = await deleteTags(d, registry, principal(alice), {
    repository: 'team/app',
    tags: ['v1'],
    dryRun: true,
  });
  assert.equal(dry.deleteEnabled, true);
  assert.deepEqual(dry.steps, [{ kind: 'retarget', tag: 'v1', digest: image.digest, keeps: ['v1-alias'] }]);
  assert.ok(await client.headManifest('team/app', 'v1'), 'a dry run changes nothing');

  const done = await deleteTags(d, registry, principal(alice), { repository: 'team/app', tags: ['v1'] });
  assert.deepEqual(done.deleted, ['v1']);
  assert.equal(await client.headManifest('team/app', 'v1'), undefined, 'v1 is gone');
  assert.equal(
    (await client.headManifest('team/app', 'v1-alias'))?.digest,
    image.digest,
    'v1-alias still points to the image',
  );
  assert.equal(
    (await client.headManifest('team/app', image.digest))?.digest,
    image.digest,
    'the manifest itself still exists',
  );
  assert.deepEqual((await client.listTags('team/app')).sort(), ['v1-alias', 'v2']);
  const id = (await findRepositoryId(store.handle.db, registry.id, 'team/app'))!;
  assert.deepEqual(
    [...(await tagsOf(store.handle.db, id)).keys()].sort(),
    ['v1-alias', 'v2'],
    'the index follows at once',
  );

  if (hasBinary('skopeo')) {
    const out = mkdtempSync(join(tmpdir(), 'purser-pull-'));
    try {
      const pulled = await skopeo(['copy', `docker://${running.host}/team/app:v1-alias`, `dir:${out}`]);
      assert.equal(pulled.code, 0, describeResult(pulled));
      const gone = await skopeo(['inspect', `docker://${running.host}/team/app:v1`]);
      assert.notEqual(gone.code, 0, 'v1 cannot be pulled any more');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  } else {
    // Without skopeo, pull by hand: manifest, then every blob it names.
    const manifest = await client.getManifest('team/app', 'v1-alias');
    assert.ok(manifest);
  }

  // Bulk: every tag of the repository, dry run first.
  const plan = await deleteTags(d, registry, principal(alice), {
    repository: 'team/app',
    all: true,
    dryRun: true,
  });
  assert.deepEqual(
    plan.steps.map((s) => (s.kind === 'delete-digest' ? [s.digest, ...s.tags] : [])).sort(),
    [
      [image.digest, 'v1-alias'],
      [other.digest, 'v2'],
    ].sort(),
  );
  assert.deepEqual((await client.listTags('team/app')).sort(), ['v1-alias', 'v2']);
  const all = await deleteTags(d, registry, principal(alice), { repository: 'team/app', all: true });
  assert.deepEqual([...all.deleted].sort(), ['v1-alias', 'v2']);
  assert.deepEqual(await client.listTags('team/app'), []);
  const audit = await new AuditLog(store.handle.db).query({ action: 'tag.delete' });
  assert.ok(audit.entries.some((e) => e.actor === 'alice' && e.outcome === 'success'));
});

test(
  'a registry with deletes disabled is reported clearly and nothing changes',
  { timeout: 60_000 },
  async (t) => {
    if (!requireBinary(t, 'docker-registry')) return;
    const { registry, client } = await setup('readonly.test', false);
    const image = await pushImage(client, 'team/app', ['v1', 'v1-alias'], 'read-only registry image');
    const d = deps(registry);
    const dry = await deleteTags(d, registry, principal(alice), {
      repository: 'team/app',
      tags: ['v1'],
      dryRun: true,
    });
    assert.equal(dry.deleteEnabled, false);
    await assert.rejects(
      deleteTags(d, registry, principal(alice), { repository: 'team/app', tags: ['v1'] }),
      (error: Error) => {
        assert.match(error.message, /does not allow deletes.*storage\.delete\.enabled: true/);
        return true;
      },
    );
    assert.equal(
      (await client.headManifest('team/app', 'v1'))?.digest,
      image.digest,
      'v1 was not re-pointed',
    );
  },
);
