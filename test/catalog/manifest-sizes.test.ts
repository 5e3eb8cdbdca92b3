/**
 * Image sizes by digest against a real docker-registry, on SQLite and PostgreSQL: measured from
 * the manifest (config + layers) once, recorded, then answered from the store, also when the
 * registry is gone; a digest the registry does not have stays unknown and is not recorded.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { manifestSizes } from '../../src/catalog/manifest-sizes.ts';
import { RegistryClient } from '../../src/registry-client/registry-client.ts';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.ts';
import { hasBinary } from '../support/binaries.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres.ts';
import { startRegistry } from '../support/registry.ts';
import { pushImage } from './push-image.ts';

const skip = hasBinary('docker-registry') ? false : 'docker-registry is not installed';
const ABSENT = `sha256:${'0'.repeat(64)}`;

async function exercise(handle: DatabaseHandle): Promise<void> {
  const running = await startRegistry();
  try {
    const client = new RegistryClient({ url: running.url });
    const image = await pushImage(client, 'team/app', ['v1'], 'a layer of some length');
    const manifest = JSON.parse((await client.getManifest('team/app', 'v1'))!.body.toString('utf8')) as {
      config: { size: number };
      layers: { size: number }[];
    };
    const expected = manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0);
    const measured = await manifestSizes(handle.db, client, 'team/app', [image.digest, ABSENT, image.digest]);
    assert.deepEqual([...measured], [[image.digest, expected]], 'the absent digest stays unknown');
    const rows = await handle.db.selectFrom('manifest_sizes').select(['digest', 'size']).execute();
    assert.deepEqual(
      rows.map((r) => [r.digest, Number(r.size)]),
      [[image.digest, expected]],
    );
    await running.stop();
    const stopped = new RegistryClient({ url: running.url, timeoutMs: 2_000 });
    const recorded = await manifestSizes(handle.db, stopped, 'team/app', [image.digest, ABSENT]);
    assert.deepEqual(
      [...recorded],
      [[image.digest, expected]],
      'the record answers; the stopped registry is not needed',
    );
  } finally {
    await running.stop();
  }
}

test('image sizes on SQLite', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'purser-sizes-'));
  const handle = await openDatabase({ dataDir: dir });
  try {
    await exercise(handle);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('image sizes on PostgreSQL', { skip }, async (t) => {
  if (!(await requirePostgres(t))) return;
  const database = await createTestDatabase();
  const handle = await openDatabase({ dataDir: '', url: database.url });
  try {
    await exercise(handle);
  } finally {
    await handle.close();
    await database.drop();
  }
});
