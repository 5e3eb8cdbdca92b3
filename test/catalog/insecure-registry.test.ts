/**
 * A registry served over HTTPS with a self-signed certificate (real docker-registry 2.8): a
 * registry marked `insecure` is discovered and its tags deleted without verifying the
 * certificate, as Docker's insecure-registries does; one that is not marked is refused with a
 * certificate error and its index entries stay as they were.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { syncRegistry } from '../../src/catalog/discovery.ts';
import type { CatalogRegistry } from '../../src/catalog/registry-lookup.ts';
import { loadRepositories } from '../../src/catalog/repository-store.ts';
import { deleteTags } from '../../src/catalog/tag-service.ts';
import { RegistryClient } from '../../src/registry-client/registry-client.ts';
import { requireBinaries } from '../support/binaries.ts';
import { type Registry as RunningRegistry, startRegistry } from '../support/registry.ts';
import { tempDir } from '../support/temp.ts';
import { selfSignedCertificate } from '../support/tls.ts';
import {
  alice,
  DEV,
  insertRegistry,
  openTestStore,
  principal,
  type TestStore,
  testModel,
} from './fixtures.ts';
import { pushImage } from './push-image.ts';

let store: TestStore;
let running: RunningRegistry | undefined;

before(async () => {
  store = await openTestStore();
});
after(async () => {
  await running?.stop();
  await store.close();
});

test(
  'an insecure HTTPS registry with a self-signed certificate is discovered and its tags deleted',
  {
    timeout: 120_000,
  },
  async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'openssl'])) return;
    const tls = await selfSignedCertificate(tempDir('purser-registry-tls-'), {
      commonName: '127.0.0.1',
      subjectAltName: 'IP:127.0.0.1',
    });
    running = await startRegistry({ tls: { certificate: tls.certFile, key: tls.keyFile } });
    assert.match(running.url, /^https:\/\//);

    const verifying = new RegistryClient({ url: running.url });
    await assert.rejects(verifying.listTags('team/app'), /self[- ]signed certificate/);

    const client = new RegistryClient({ url: running.url, insecure: true });
    const image = await pushImage(client, 'team/app', ['v1', 'v1-alias'], 'tls image');
    await pushImage(client, 'team/app', ['v2'], 'tls image two');

    const registry: CatalogRegistry = {
      ...(await insertRegistry(store.handle, 'tls.test', running.url, {
        publications: [DEV],
        responsibles: [DEV],
      })),
      syncInterval: null,
    };
    assert.equal(registry.insecure, true);
    const db = store.handle.db;

    const refused = await syncRegistry(db, { ...registry, insecure: false }, undefined);
    assert.equal(refused.catalogComplete, false);
    assert.equal(refused.repositories, 0);
    assert.match(refused.errors.join('\n'), /certificate/);
    assert.deepEqual(await loadRepositories(db, registry.id), [], 'nothing indexed from a refused crawl');

    const report = await syncRegistry(db, registry, undefined);
    assert.equal(report.catalogComplete, true);
    assert.equal(report.repositories, 1);
    assert.equal(report.tagsAdded, 3);

    const done = await deleteTags(
      {
        db,
        model: testModel([registry], { users: [alice] }),
        tokens: () => undefined,
        audit: new AuditLog(db),
      },
      registry,
      principal(alice),
      { repository: 'team/app', tags: ['v1'] },
    );
    assert.deepEqual(done.deleted, ['v1']);
    assert.deepEqual((await client.listTags('team/app')).sort(), ['v1-alias', 'v2']);
    assert.equal((await client.headManifest('team/app', 'v1-alias'))?.digest, image.digest);
  },
);
