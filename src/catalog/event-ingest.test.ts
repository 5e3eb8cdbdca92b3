import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { insertRegistry, openTestStore, type TestStore } from '../../test/catalog/fixtures.ts';
import type { Registry } from '../domain/model.ts';
import { newPrincipalId } from '../store/principal-id.ts';
import { ingestRegistryEvents } from './event-ingest.ts';
import { parseEnvelope, type RegistryEvent } from './registry-event.ts';
import { findRepositoryId, tagsOf } from './repository-store.ts';

let store: TestStore;
let registry: Registry;

before(async () => {
  store = await openTestStore();
  registry = await insertRegistry(store.handle, 'registry.test', 'http://127.0.0.1:1');
  const now = Date.now();
  await store.handle.db
    .insertInto('robots')
    .values({
      name: 'ci+builder',
      secret_hash: 'x',
      repositories: '[]',
      permission: 'write',
      expires_at: null,
      disabled: 0,
      credential_version: 1,
      principal_id: newPrincipalId(),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await store.handle.db
    .insertInto('services')
    .values({
      name: 'node1.example.com',
      app_id: null,
      secret_hash: 'x',
      disabled: 0,
      credential_version: 1,
      principal_id: newPrincipalId(),
      created_at: now,
      updated_at: now,
    })
    .execute();
});
after(() => store.close());

function event(
  id: string,
  action: string,
  target: Record<string, unknown>,
  time: string,
  actor = 'alice',
): RegistryEvent {
  return parseEnvelope({
    events: [
      {
        id,
        action,
        timestamp: time,
        target,
        actor: { name: actor },
        request: { addr: '10.1.2.3:4444', useragent: 'ua' },
      },
    ],
  })[0]!;
}

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

test('stores events once, however often they are retried', async () => {
  const push = event(
    'p1',
    'push',
    { repository: 'team/app', tag: 'v1', digest: 'sha256:d1', mediaType: MANIFEST, size: 10 },
    '2026-01-01T00:00:01Z',
  );
  const first = await ingestRegistryEvents(store.handle.db, registry, [push]);
  assert.deepEqual(first, { stored: 1, duplicates: 0, indexChanged: true });
  const again = await ingestRegistryEvents(store.handle.db, registry, [push, push]);
  assert.deepEqual(again, { stored: 0, duplicates: 2, indexChanged: false });
  const rows = await store.handle.db
    .selectFrom('audit_log')
    .selectAll()
    .where('event_id', '=', 'p1')
    .execute();
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.actor, 'alice');
  assert.equal(rows[0]!.source_address, '10.1.2.3');
  assert.equal(rows[0]!.service, 'registry.test');
  const id = await findRepositoryId(store.handle.db, registry.id, 'team/app');
  assert.ok(id !== undefined);
  assert.equal((await tagsOf(store.handle.db, id)).get('v1')?.digest, 'sha256:d1');
});

test('the same event id from another registry is a different event', async () => {
  const other = await insertRegistry(store.handle, 'other.test', 'http://127.0.0.1:2');
  const push = event(
    'p1',
    'push',
    { repository: 'team/app', tag: 'v1', digest: 'sha256:d1', mediaType: MANIFEST },
    '2026-01-01T00:00:01Z',
  );
  assert.equal((await ingestRegistryEvents(store.handle.db, other, [push])).stored, 1);
});

test('actor kinds: robots, services, anonymous', async () => {
  await ingestRegistryEvents(store.handle.db, registry, [
    event(
      'k1',
      'pull',
      { repository: 'team/app', tag: 'v1', digest: 'sha256:d1', mediaType: MANIFEST },
      '2026-01-01T00:00:02Z',
      'ci+builder',
    ),
    event(
      'k2',
      'pull',
      { repository: 'team/app', tag: 'v1', digest: 'sha256:d1', mediaType: MANIFEST },
      '2026-01-01T00:00:02Z',
      'node1.example.com',
    ),
    event(
      'k3',
      'pull',
      { repository: 'team/app', tag: 'v1', digest: 'sha256:d1', mediaType: MANIFEST },
      '2026-01-01T00:00:02Z',
      '',
    ),
  ]);
  const rows = await store.handle.db
    .selectFrom('audit_log')
    .select(['event_id', 'actor', 'actor_kind'])
    .where('event_id', 'in', ['k1', 'k2', 'k3'])
    .orderBy('event_id')
    .execute();
  assert.deepEqual(
    rows.map((r) => [r.actor, r.actor_kind]),
    [
      ['ci+builder', 'robot'],
      ['node1.example.com', 'service'],
      ['anonymous', 'anonymous'],
    ],
  );
});

test('events in any order: an older push never overrides a newer one; delete by digest removes only its tags', async () => {
  const newer = event(
    'o2',
    'push',
    { repository: 'team/order', tag: 'v1', digest: 'sha256:new', mediaType: MANIFEST },
    '2026-01-01T00:00:10Z',
  );
  const older = event(
    'o1',
    'push',
    { repository: 'team/order', tag: 'v1', digest: 'sha256:old', mediaType: MANIFEST },
    '2026-01-01T00:00:05Z',
  );
  const alias = event(
    'o3',
    'push',
    { repository: 'team/order', tag: 'v1-alias', digest: 'sha256:new', mediaType: MANIFEST },
    '2026-01-01T00:00:11Z',
  );
  const other = event(
    'o4',
    'push',
    { repository: 'team/order', tag: 'v2', digest: 'sha256:two', mediaType: MANIFEST },
    '2026-01-01T00:00:12Z',
  );
  await ingestRegistryEvents(store.handle.db, registry, [newer, older, alias, other]);
  const id = (await findRepositoryId(store.handle.db, registry.id, 'team/order'))!;
  assert.equal((await tagsOf(store.handle.db, id)).get('v1')?.digest, 'sha256:new');
  // Distribution's delete-by-digest: two events, one with the digest, one with the tag.
  await ingestRegistryEvents(store.handle.db, registry, [
    event('o5', 'delete', { repository: 'team/order', digest: 'sha256:new' }, '2026-01-01T00:00:20Z'),
  ]);
  assert.deepEqual([...(await tagsOf(store.handle.db, id)).keys()], ['v2']);
  await ingestRegistryEvents(store.handle.db, registry, [
    event('o6', 'delete', { repository: 'team/order', tag: 'v2' }, '2026-01-01T00:00:21Z'),
  ]);
  assert.equal((await tagsOf(store.handle.db, id)).size, 0);
  const repo = await store.handle.db
    .selectFrom('repositories')
    .select(['empty'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  assert.equal(repo.empty, 1, 'a repository whose tags are all gone is marked empty, not deleted');
});

test('blob pushes and pulls do not create repositories', async () => {
  const result = await ingestRegistryEvents(store.handle.db, registry, [
    event(
      'b1',
      'push',
      { repository: 'team/blobs', digest: 'sha256:b', mediaType: 'application/octet-stream' },
      '2026-01-01T00:00:01Z',
    ),
    event(
      'b2',
      'pull',
      { repository: 'team/blobs', digest: 'sha256:b', mediaType: 'application/octet-stream' },
      '2026-01-01T00:00:01Z',
    ),
  ]);
  assert.equal(result.stored, 2);
  assert.equal(result.indexChanged, false);
  assert.equal(await findRepositoryId(store.handle.db, registry.id, 'team/blobs'), undefined);
});
