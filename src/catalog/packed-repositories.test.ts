import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackedRepositories } from './packed-repositories.ts';
import type { RepositoryRow } from './repository-store.ts';

function row(i: number, overrides: Partial<RepositoryRow> = {}): RepositoryRow {
  return {
    id: i + 1,
    registryId: 7,
    name: `team${i % 10}/app-${String(i).padStart(6, '0')}`,
    description: `component number ${i}`,
    starCount: i % 5,
    official: i % 2 === 0,
    automated: i % 3 === 0,
    empty: i % 7 === 0,
    lastPushAt: i % 4 === 0 ? null : 1_700_000_000_123 + i,
    tagCount: i % 11,
    ...overrides,
  };
}

test('rows read back as they were appended, across text parts, whatever their case and ids', () => {
  const rows = Array.from({ length: 10_000 }, (_, i) => row(i));
  rows[5] = row(5, { description: 'Mixed Case Description' });
  rows[4_096] = row(4_096, { name: 'Team/Upper', description: 'with a \u0000 NUL' });
  rows[9_999] = row(9_999, { id: 2 ** 40 + 3, registryId: 8, description: '' });
  rows[6_000] = row(6_000, { id: 12.5, description: 'ünïcode ÄÖ' });
  const packed = new PackedRepositories();
  for (const r of rows) packed.append(r);
  packed.finish();
  assert.equal(packed.size, rows.length);
  for (const i of [0, 1, 5, 4_095, 4_096, 4_097, 6_000, 8_191, 8_192, 9_998, 9_999])
    assert.deepEqual(packed.repository(i), rows[i], `row ${i}`);
  assert.equal(packed.nameAt(4_096), 'Team/Upper');
});

test('a description already in lower case is kept once (in the searched text), not twice', () => {
  const packed = new PackedRepositories();
  let searched = 0;
  for (let i = 0; i < 5_000; i++) {
    const r = row(i);
    packed.append(r);
    searched += r.name.length + 1 + r.description.length + 1;
  }
  packed.append(row(5_000, { description: 'Kept Apart' }));
  searched += row(5_000).name.length + 1 + 'kept apart'.length + 1;
  packed.finish();
  assert.equal(packed.textLength, searched + 'Kept Apart'.length);
});

test('matching finds every repository whose name or description holds the text, in order', () => {
  const packed = new PackedRepositories();
  const rows = Array.from({ length: 9_000 }, (_, i) => row(i));
  rows[4_100] = row(4_100, { description: 'The Needle here' });
  for (const r of rows) packed.append(r);
  packed.finish();
  const expected = (needle: string) =>
    rows.flatMap((r, i) =>
      r.name.toLowerCase().includes(needle) || r.description.toLowerCase().includes(needle) ? [i] : [],
    );
  for (const needle of ['app-00409', 'needle', 'number 81', 'team3/', 'nothing-like-this'])
    assert.deepEqual([...packed.matching(needle)], expected(needle), needle);
  assert.deepEqual([...packed.matching('')].length, rows.length);
});
