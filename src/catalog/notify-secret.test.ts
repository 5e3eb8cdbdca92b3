import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { insertRegistry, openTestStore, type TestStore } from '../../test/catalog/fixtures.ts';
import { checkNotifySecret, ensureNotifySecret, retirePreviousNotifySecret } from './notify-secret.ts';

let store: TestStore;
before(async () => {
  store = await openTestStore();
  await insertRegistry(store.handle, 'registry.test', 'http://127.0.0.1:1');
});
after(() => store.close());

const stored = async () =>
  await store.handle.db
    .selectFrom('registries')
    .select(['id', 'notify_secret_hash'])
    .where('service', '=', 'registry.test')
    .executeTakeFirstOrThrow();

test('only a hash is stored; re-rendering keeps the previous secret valid until the new one is used', async () => {
  const first = await ensureNotifySecret(store.handle.db, 'registry.test');
  let row = await stored();
  assert.ok(
    row.notify_secret_hash && !row.notify_secret_hash.includes(first),
    'the secret itself is not stored',
  );
  assert.equal(checkNotifySecret(row.notify_secret_hash, first), 'current');
  assert.equal(checkNotifySecret(row.notify_secret_hash, 'guess'), 'invalid');
  assert.equal(checkNotifySecret(row.notify_secret_hash, undefined), 'invalid');
  assert.equal(checkNotifySecret(null, first), 'invalid');

  const second = await ensureNotifySecret(store.handle.db, 'registry.test');
  assert.notEqual(second, first);
  row = await stored();
  assert.equal(checkNotifySecret(row.notify_secret_hash, second), 'current');
  assert.equal(checkNotifySecret(row.notify_secret_hash, first), 'previous');
  await retirePreviousNotifySecret(store.handle.db, Number(row.id), row.notify_secret_hash!);
  row = await stored();
  assert.equal(checkNotifySecret(row.notify_secret_hash, first), 'invalid');
  assert.equal(checkNotifySecret(row.notify_secret_hash, second), 'current');
});

test('unknown registry', async () => {
  await assert.rejects(ensureNotifySecret(store.handle.db, 'nope'), /no registry/);
});
