import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { insertRegistry, openTestStore, type TestStore } from '../../test/catalog/fixtures.ts';
import { ingestRegistryEvents } from '../catalog/event-ingest.ts';
import { parseEnvelope } from '../catalog/registry-event.ts';
import { AuditLog, csvLine } from './audit-log.ts';

let store: TestStore;
let log: AuditLog;
before(async () => {
  store = await openTestStore();
  log = new AuditLog(store.handle.db);
  const registry = await insertRegistry(store.handle, 'registry.test', 'http://127.0.0.1:1');
  const events = [];
  for (let i = 0; i < 30; i++) {
    events.push({
      id: `e${i}`,
      action: i % 3 === 0 ? 'push' : 'pull',
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      target: {
        repository: i % 2 ? 'team/a' : 'team/b',
        tag: 'v1',
        digest: i % 2 ? 'sha256:aa' : 'sha256:bb',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      },
      actor: { name: i % 5 === 0 ? 'bob' : 'alice' },
      request: { addr: `10.0.0.${i % 4}:1234` },
    });
  }
  await ingestRegistryEvents(store.handle.db, registry, parseEnvelope({ events }));
  await log.record({
    action: 'login',
    actor: 'alice',
    actorKind: 'user',
    outcome: 'failure',
    sourceAddress: '10.9.9.9',
    details: { reason: 'bad password' },
    time: Date.UTC(2026, 0, 2),
  });
  await log.recordMany([
    {
      action: 'user.create',
      actor: 'root',
      actorKind: 'user',
      outcome: 'success',
      target: 'user:carol',
      time: Date.UTC(2026, 0, 3),
    },
    {
      action: 'token.issue',
      actor: 'alice',
      actorKind: 'user',
      outcome: 'success',
      service: 'registry.test',
      details: { requested: 'repository:x:push', granted: 'repository:x:' },
      time: Date.UTC(2026, 0, 3),
    },
  ]);
});
after(() => store.close());

test('query by principal, repository, digest, action, time range, with paging', async () => {
  const all = await log.query({}, 1, 10);
  assert.equal(all.total, 33);
  assert.equal(all.entries.length, 10);
  assert.equal(all.entries[0]!.action, 'token.issue', 'newest first (then the latest written)');
  const page4 = await log.query({}, 4, 10);
  assert.equal(page4.entries.length, 3);
  assert.equal((await log.query({ principal: 'bob' })).total, 6);
  assert.equal((await log.query({ repository: 'team/a', action: 'pull' })).total, 10);
  assert.equal((await log.query({ digest: 'sha256:bb', principal: 'alice' })).total, 12);
  assert.equal(
    (await log.query({ since: Date.UTC(2026, 0, 1, 0, 0, 10), until: Date.UTC(2026, 0, 1, 0, 0, 20) })).total,
    10,
  );
  assert.equal((await log.query({ action: 'user.' })).total, 1);
  assert.equal((await log.query({ source: 'authority' })).total, 3);
  assert.equal(
    (await log.query({ services: ['registry.test'] })).total,
    31,
    "a manager sees only the registry's entries",
  );
  assert.equal((await log.query({ services: [] })).total, 0);
  const token = (await log.query({ action: 'token.issue' })).entries[0]!;
  assert.deepEqual(token.details, { requested: 'repository:x:push', granted: 'repository:x:' });
});

test('CSV and JSON exports contain every matching entry', async () => {
  let csv = '';
  for await (const chunk of log.exportCsv({ principal: 'bob' })) csv += chunk;
  const lines = csv.trim().split('\n');
  assert.equal(lines.length, 7);
  assert.match(lines[0]!, /^id,time,source,action,actor,actor_kind,outcome,/);
  let json = '';
  for await (const chunk of log.exportJson({ source: 'authority' })) json += chunk;
  const parsed = JSON.parse(json) as { action: string }[];
  assert.deepEqual(
    parsed.map((e) => e.action),
    ['login', 'user.create', 'token.issue'],
  );
  let empty = '';
  for await (const chunk of log.exportJson({ principal: 'nobody' })) empty += chunk;
  assert.deepEqual(JSON.parse(empty), []);
});

test('CSV quoting and formula neutralisation', () => {
  const record = {
    id: 1,
    time: 't',
    source: 'authority',
    action: 'x',
    actor: '=cmd()',
    actor_kind: 'user',
    outcome: 'success',
    target: 'a,"b"',
    service: null,
    repository: null,
    tag: null,
    digest: null,
    media_type: null,
    size: null,
    source_address: null,
    user_agent: null,
    event_id: null,
    details: { a: 1 },
    count: 1,
    last_time: null,
  };
  const line = csvLine(record);
  assert.match(line, /,'=cmd\(\),/);
  assert.match(line, /,"a,""b""",/);
  assert.match(line, /,"\{""a"":1\}",1,$/);
});

test('who pulled: grouped by principal with addresses', async () => {
  const users = await log.usage({ service: 'registry.test', digests: ['sha256:aa'] });
  const alice = users.find((u) => u.actor === 'alice');
  const bob = users.find((u) => u.actor === 'bob');
  assert.ok(alice && bob);
  assert.equal(alice.pulls + bob.pulls, 10);
  assert.deepEqual(
    bob.addresses,
    ['10.0.0.1', '10.0.0.3'].filter((a) => bob.addresses.includes(a)),
  );
  assert.deepEqual(await log.usage({ digests: [] }), []);
  // Purser's own reads (sub "purser": discovery, tag deletion) are not uses of the image.
  const registry = { id: 1, service: 'registry.test' };
  await ingestRegistryEvents(
    store.handle.db,
    registry,
    parseEnvelope({
      events: [
        {
          id: 'self',
          action: 'pull',
          target: { repository: 'team/a', digest: 'sha256:aa' },
          actor: { name: 'purser' },
        },
      ],
    }),
  );
  assert.deepEqual((await log.usage({ digests: ['sha256:aa'] })).map((u) => u.actor).sort(), [
    'alice',
    'bob',
  ]);
  const byTag = await log.usage({ repository: 'team/b', tag: 'v1' });
  assert.equal(
    byTag.reduce((n, u) => n + u.pulls, 0),
    10,
  );
});
