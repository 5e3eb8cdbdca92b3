import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RegistrySlice } from './registry-slice.ts';
import type { RepositoryRow } from './repository-store.ts';

const name = fc
  .array(fc.stringMatching(/^[a-zA-Z0-9][a-z0-9._-]{0,8}$/), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join('/'));
const row = fc.record({
  id: fc.integer({ min: 1, max: 2 ** 40 }),
  registryId: fc.integer({ min: 1, max: 5 }),
  name,
  description: fc.string({ maxLength: 20 }),
  starCount: fc.integer({ min: 0, max: 1_000_000 }),
  official: fc.boolean(),
  automated: fc.boolean(),
  empty: fc.boolean(),
  lastPushAt: fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: null }),
  tagCount: fc.integer({ min: 0, max: 10_000 }),
}) satisfies fc.Arbitrary<RepositoryRow>;
const rows = fc.uniqueArray(row, { selector: (r) => r.name, maxLength: 40 });

const byName = (a: RepositoryRow, b: RepositoryRow) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

test('the packed slice gives back every row as stored, in name order', () => {
  fc.assert(
    fc.property(rows, (input) => {
      const slice = RegistrySlice.of(input);
      const sorted = [...input].sort(byName);
      assert.equal(slice.size, sorted.length);
      sorted.forEach((expected, i) => {
        assert.deepEqual(slice.repository(i), { ...expected });
        assert.equal(slice.nameAt(i), expected.name);
        assert.equal(slice.isEmpty(i), expected.empty);
      });
    }),
    { seed: 20261201, numRuns: 300 },
  );
});

test('matching finds exactly the rows whose lower-cased name or description contains the needle', () => {
  fc.assert(
    fc.property(rows, fc.string({ minLength: 1, maxLength: 3 }), (input, raw) => {
      const needle = raw.toLowerCase();
      const slice = RegistrySlice.of(input);
      const sorted = [...input].sort(byName);
      const expected = sorted.flatMap((r, i) =>
        needle.includes('\u0000')
          ? []
          : `${r.name.toLowerCase()}\n${r.description.toLowerCase().replaceAll('\u0000', '')}`.includes(
                needle,
              )
            ? [i]
            : [],
      );
      assert.deepEqual([...slice.matching(needle)], expected);
    }),
    { seed: 20261202, numRuns: 300 },
  );
});

test('firstAfter is the first position whose name sorts after the given one', () => {
  fc.assert(
    fc.property(rows, name, (input, after) => {
      const slice = RegistrySlice.of(input);
      const sorted = [...input].sort(byName);
      const expected = sorted.findIndex((r) => r.name > after);
      assert.equal(slice.firstAfter(after), expected === -1 ? sorted.length : expected);
    }),
    { seed: 20261203, numRuns: 300 },
  );
});

test('repositories of one namespace share a bucket, named by one of them', () => {
  const slice = RegistrySlice.of(
    ['users/alice/a', 'users/alice/b', 'groups/dev/x', 'library/nginx', 'users/bob/c'].map((n, i) => ({
      id: i + 1,
      registryId: 1,
      name: n,
      description: '',
      starCount: 0,
      official: false,
      automated: false,
      empty: false,
      lastPushAt: null,
      tagCount: 1,
    })),
  );
  const bucketOf = (n: string) =>
    slice.bucketOf[[...Array(slice.size).keys()].find((i) => slice.nameAt(i) === n)!];
  assert.equal(bucketOf('users/alice/a'), bucketOf('users/alice/b'));
  assert.notEqual(bucketOf('users/alice/a'), bucketOf('users/bob/c'));
  assert.notEqual(bucketOf('groups/dev/x'), bucketOf('library/nginx'));
  assert.equal(slice.bucketNames.length, 4);
});
