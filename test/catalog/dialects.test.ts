/**
 * The catalog store on both dialects: the 003 migration, idempotent event ingest (ON CONFLICT
 * on the unique (service, event_id) index), ordering guards, the index the search loads, audit
 * queries and exports, and notification secrets — on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { ingestRegistryEvents } from '../../src/catalog/event-ingest.ts';
import { checkNotifySecret, ensureNotifySecret } from '../../src/catalog/notify-secret.ts';
import { parseEnvelope } from '../../src/catalog/registry-event.ts';
import { setStar } from '../../src/catalog/repository-properties.ts';
import { loadRepositories, readCatalogVersion, tagsOf } from '../../src/catalog/repository-store.ts';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres.ts';
import { insertRegistry } from './fixtures.ts';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function exercise(handle: DatabaseHandle): Promise<void> {
  const registry = await insertRegistry(handle, 'dialect.test', 'http://127.0.0.1:1');
  const envelope = (id: string, action: string, target: Record<string, unknown>, second: number) =>
    parseEnvelope({
      events: [
        {
          id,
          action,
          timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
          target,
          actor: { name: 'alice' },
          request: { addr: '10.0.0.1:1' },
        },
      ],
    });
  const push = envelope(
    'e1',
    'push',
    { repository: 'team/app', tag: 'v1', digest: 'sha256:a', mediaType: MANIFEST, size: 5 },
    1,
  );
  assert.deepEqual(await ingestRegistryEvents(handle.db, registry, push), {
    stored: 1,
    duplicates: 0,
    indexChanged: true,
  });
  assert.deepEqual(await ingestRegistryEvents(handle.db, registry, push), {
    stored: 0,
    duplicates: 1,
    indexChanged: false,
  });
  await ingestRegistryEvents(
    handle.db,
    registry,
    envelope(
      'e0',
      'push',
      { repository: 'team/app', tag: 'v1', digest: 'sha256:old', mediaType: MANIFEST },
      0,
    ),
  );
  await ingestRegistryEvents(
    handle.db,
    registry,
    envelope('e2', 'pull', { repository: 'team/app', tag: 'v1', digest: 'sha256:a', mediaType: MANIFEST }, 2),
  );
  const repos = await loadRepositories(handle.db, registry.id);
  assert.equal(repos.length, 1);
  assert.equal(repos[0]!.tagCount, 1);
  assert.equal(repos[0]!.lastPushAt, Date.UTC(2026, 0, 1, 0, 0, 1));
  assert.equal(
    (await tagsOf(handle.db, repos[0]!.id)).get('v1')?.digest,
    'sha256:a',
    'the older push did not win',
  );
  assert.ok((await readCatalogVersion(handle.db)) > 0);
  assert.equal(await setStar(handle.db, repos[0]!.id, 'user:alice', true), 1);
  const log = new AuditLog(handle.db, { rows: handle.rows });
  await log.recordMany([{ action: 'login', actor: 'alice', actorKind: 'user', outcome: 'success' }]);
  // The store's bulk row writer (what the server's journaled audit uses): a batch larger than
  // one multi-row statement, with details and absent columns.
  const burst = Array.from({ length: 450 }, (_, i) => ({
    action: 'token.issue',
    actor: `bulk${i % 3}`,
    actorKind: 'user' as const,
    outcome: 'success' as const,
    service: 'bulk.test',
    details: { requested: `repository:r${i}:pull`, granted: '' },
    time: Date.UTC(2026, 0, 2) + i,
  }));
  await log.recordMany(burst);
  const bulk = await log.query({ action: 'token.issue', service: 'bulk.test' }, 1, 1000);
  assert.equal(bulk.total, 450);
  const last = bulk.entries[0]!;
  assert.equal(last.actor, 'bulk2');
  assert.deepEqual(last.details, { requested: 'repository:r449:pull', granted: '' });
  assert.equal(last.time, new Date(Date.UTC(2026, 0, 2) + 449).toISOString());
  assert.equal((await log.query({ action: 'pull', principal: 'alice' })).total, 1);
  assert.equal((await log.query({ services: ['dialect.test'] })).total, 3);
  const users = await log.usage({ service: 'dialect.test', digests: ['sha256:a'] });
  assert.deepEqual(
    users.map((u) => [u.actor, u.pulls]),
    [['alice', 1]],
  );
  let csv = '';
  for await (const chunk of log.exportCsv({})) csv += chunk;
  assert.equal(csv.trim().split('\n').length, 455);
  const secret = await ensureNotifySecret(handle.db, 'dialect.test');
  const row = await handle.db
    .selectFrom('registries')
    .select('notify_secret_hash')
    .where('id', '=', registry.id)
    .executeTakeFirstOrThrow();
  assert.equal(checkNotifySecret(row.notify_secret_hash, secret), 'current');
}

test('catalog store on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'purser-dialect-'));
  const handle = await openDatabase({ dataDir: dir });
  try {
    await exercise(handle);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('catalog store on PostgreSQL', async (t) => {
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
