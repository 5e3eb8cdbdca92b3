import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexChanged, type SyncReport } from './discovery.ts';

const idle: SyncReport = {
  service: 'r.test',
  repositories: 1_000_000,
  newRepositories: 0,
  changedRepositories: 0,
  tagsAdded: 0,
  tagsRemoved: 0,
  emptied: 0,
  failures: 1,
  catalogComplete: false,
  errors: ['connection refused'],
  digestsResolved: 0,
  indexedMs: 0,
  durationMs: 3,
};

test('a failed or idle discovery run did not change the index; any change did', () => {
  assert.equal(indexChanged(idle), false);
  for (const field of [
    'newRepositories',
    'changedRepositories',
    'tagsAdded',
    'tagsRemoved',
    'emptied',
    'digestsResolved',
  ] as const)
    assert.equal(indexChanged({ ...idle, [field]: 1 }), true, field);
});
