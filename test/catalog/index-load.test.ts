/**
 * The search index loads a big catalog page by page, in (registry, name) order, on both
 * dialects: every repository of every registry arrives once, and a slice answers for them all
 * (more rows than one page of the scan, names whose store order is not insertion order).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type RepositoryRow, scanRepositories } from '../../src/catalog/repository-store.ts';
import { SearchIndex } from '../../src/catalog/search-index.ts';
import { type DatabaseHandle, openDatabase } from '../../src/store/database.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres.ts';
import { insertRegistry } from './fixtures.ts';

const PER_REGISTRY = 6_000;

async function exercise(handle: DatabaseHandle): Promise<void> {
  const a = await insertRegistry(handle, 'a.test', 'http://127.0.0.1:1');
  const b = await insertRegistry(handle, 'b.test', 'http://127.0.0.1:2');
  const now = Date.now();
  for (const registry of [b, a]) {
    // Inserted in reverse name order, so id order and name order disagree.
    const rows = Array.from({ length: PER_REGISTRY }, (_, k) => {
      const i = PER_REGISTRY - 1 - k;
      return {
        registry_id: registry.id,
        name: `team-${i % 7}/repo-${String(i).padStart(5, '0')}`,
        description: `Repository ${i} of ${registry.service}`,
        star_count: i % 3,
        official: 0,
        automated: 0,
        empty: i % 5 === 0 ? 1 : 0,
        last_push_at: now,
        created_at: now,
        updated_at: now,
      };
    });
    for (let i = 0; i < rows.length; i += 500)
      await handle.db
        .insertInto('repositories')
        .values(rows.slice(i, i + 500))
        .execute();
  }
  const seen: RepositoryRow[] = [];
  await scanRepositories(handle.db, (row) => seen.push(row));
  assert.equal(seen.length, 2 * PER_REGISTRY);
  assert.equal(new Set(seen.map((r) => `${r.registryId}/${r.name}`)).size, seen.length, 'no row twice');
  for (let i = 1; i < seen.length; i++) {
    const [p, c] = [seen[i - 1]!, seen[i]!];
    assert.ok(p.registryId < c.registryId || (p.registryId === c.registryId && p.name !== c.name));
  }

  const index = new SearchIndex(handle.db);
  const slice = await index.slice(a.id);
  assert.equal(slice.size, PER_REGISTRY);
  const names = Array.from({ length: slice.size }, (_, i) => slice.nameAt(i));
  assert.deepEqual(names, [...names].sort(), 'the slice is in JS name order');
  const hit = slice.repository(slice.firstAfter('team-2/repo-01233'));
  assert.equal(hit.name, 'team-2/repo-01234');
  assert.equal(hit.description, 'Repository 1234 of a.test');
  assert.equal(hit.starCount, 1234 % 3);
  assert.equal(slice.matching('repository 5999 of a.test').length, 1);
}

test('the index loads a catalog bigger than a page, on SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'purser-index-load-'));
  const handle = await openDatabase({ dataDir: dir });
  try {
    await exercise(handle);
  } finally {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the index loads a catalog bigger than a page, on PostgreSQL', async (t) => {
  if (!(await requirePostgres(t))) return;
  const database = await createTestDatabase();
  const handle = await openDatabase({
    dataDir: mkdtempSync(join(tmpdir(), 'purser-index-load-pg-')),
    url: database.url,
  });
  try {
    await exercise(handle);
  } finally {
    await handle.close();
    await database.drop();
  }
});
