/**
 * /api/v1/access (who-can, what-can, diff, report) on SQLite and PostgreSQL: the answers, their
 * agreement with real /token requests, the refusals (anonymous, plain users, managers of
 * another registry) and the OpenAPI entries.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../support/postgres.ts';
import { type ApiFixture, basic, errorOf, openApiFixture } from './fixture.ts';

interface Entry {
  kind: string;
  name: string;
  actions: string[];
}

const PASSWORDS: Record<string, string> = {
  alice: 'alice-password',
  bob: 'bob-password',
  mgr: 'mgr-password',
  qamgr: 'qamgr-password',
  dora: 'dora-password',
};

async function seed(f: ApiFixture): Promise<void> {
  const posts: [string, unknown][] = [
    [
      '/api/v1/registries',
      {
        service: 'registry.test',
        url: 'http://127.0.0.1:5000',
        publications: ['dev'],
        responsibles: ['ops'],
      },
    ],
    [
      '/api/v1/registries',
      { service: 'qa.test', url: 'http://127.0.0.1:5002', publications: ['qa'], responsibles: ['qa'] },
    ],
    ['/api/v1/apps', { name: 'shop', publications: ['dev'], responsibles: ['ops'] }],
    [
      '/api/v1/users',
      { name: 'alice', password: PASSWORDS.alice, groups: ['dev', 'ops'], privileges: ['puller', 'pusher'] },
    ],
    [
      '/api/v1/users',
      { name: 'bob', password: PASSWORDS.bob, groups: ['dev'], privileges: ['puller', 'pusher'] },
    ],
    ['/api/v1/users', { name: 'mgr', password: PASSWORDS.mgr, groups: ['ops'], privileges: ['manager'] }],
    ['/api/v1/users', { name: 'qamgr', password: PASSWORDS.qamgr, groups: ['qa'], privileges: ['manager'] }],
    [
      '/api/v1/users',
      {
        name: 'dora',
        password: PASSWORDS.dora,
        groups: ['dev', 'ops'],
        privileges: ['puller', 'pusher'],
        disabled: true,
      },
    ],
    ['/api/v1/services', { name: 'node1', app: 'shop' }],
    ['/api/v1/robots', { name: 'ci+shop', repositories: ['apps/shop/**'], permission: 'write' }],
    [
      '/api/v1/robots',
      { name: 'ci+old', repositories: ['apps/shop/**'], permission: 'admin', expires: '2099-01-01' },
    ],
  ];
  for (const [url, body] of posts) {
    const response = await f.admin('POST', url, body);
    assert.equal(response.statusCode, 201, `${url}: ${response.body}`);
  }
  // A new robot cannot be created already expired; an existing one can be given a past date.
  const expired = await f.admin('PATCH', '/api/v1/robots/ci+old', { expires: '2020-01-01' });
  assert.equal(expired.statusCode, 200, `PATCH ci+old: ${expired.body}`);
}

async function scenario(f: ApiFixture): Promise<void> {
  await seed(f);
  const as = (who: string) => [who, PASSWORDS[who]!] as const;

  // who-can, literal and prefix scopes
  const who = await f.admin(
    'GET',
    '/api/v1/access/who-can?registry=registry.test&scope=repository:apps/shop/*:push',
  );
  assert.equal(who.statusCode, 200, who.body);
  const entries = (who.json() as { principals: Entry[] }).principals;
  assert.deepEqual(entries, [
    { kind: 'robot', name: 'ci+shop', actions: ['push'] },
    { kind: 'user', name: 'alice', actions: ['push'] },
    { kind: 'user', name: 'root', actions: ['push'] },
  ]);
  // The same answer a real /token request gives (a literal repository under the prefix).
  for (const user of ['alice', 'bob']) {
    const token = await f.app.inject({
      method: 'GET',
      url: '/token?service=registry.test&scope=repository:apps/shop/web:push',
      headers: { authorization: basic(user, PASSWORDS[user]!) },
    });
    assert.equal(token.statusCode, 200, token.body);
    const payload = JSON.parse(
      Buffer.from((token.json() as { token: string }).token.split('.')[1]!, 'base64url').toString(),
    ) as { access: { actions: string[] }[] };
    assert.deepEqual(payload.access[0]?.actions ?? [], entries.some((e) => e.name === user) ? ['push'] : []);
  }
  const pull = (
    (
      await f.admin(
        'GET',
        '/api/v1/access/who-can?registry=registry.test&scope=repository:apps/shop/web:pull',
      )
    ).json() as {
      principals: Entry[];
    }
  ).principals.map((e) => `${e.kind}:${e.name}`);
  assert.deepEqual(pull, ['robot:ci+shop', 'service:node1', 'user:alice', 'user:bob', 'user:root']);

  // what-can
  const what = await f.admin('GET', '/api/v1/access/what-can?principal=bob&registry=registry.test');
  assert.equal(what.statusCode, 200, what.body);
  const namespaces = (
    what.json() as {
      registries: {
        registry: string;
        namespaces: { namespace: string; actions: string[]; grants: { clause: string }[] }[];
      }[];
    }
  ).registries[0]!.namespaces;
  assert.deepEqual(
    namespaces.map((n) => `${n.namespace}=${n.actions.join(',')}`),
    ['users/bob/*=pull,push,delete', 'groups/dev/*=pull,push,delete', 'apps/shop/*=pull', '*=pull'],
  );
  assert.equal(namespaces[2]!.grants[0]!.clause, 'app-namespace');

  // diff: bob moves into ops through a configuration file; a rule list that blocks pushes
  const config = 'users:\n  - name: bob\n    groups: [dev, ops]\n    privileges: [puller, pusher]\n';
  const diff = await f.admin('POST', '/api/v1/access/diff', { config });
  assert.equal(diff.statusCode, 200, diff.body);
  const changes = (
    diff.json() as {
      changes: { registry: string; name: string; namespace: string; before: string[]; after: string[] }[];
    }
  ).changes;
  assert.ok(changes.length > 0 && changes.every((c) => c.name === 'bob'), diff.body);
  assert.deepEqual(
    changes.find((c) => c.registry === 'registry.test' && c.namespace === 'groups/ops/*'),
    {
      registry: 'registry.test',
      kind: 'user',
      name: 'bob',
      namespace: 'groups/ops/*',
      before: [],
      after: ['pull', 'push', 'delete'],
    },
  );
  assert.ok(
    ((await f.admin('GET', '/api/v1/users/bob')).json() as { groups: string[] }).groups.length === 1,
    'nothing applied',
  );
  const rules = await f.admin('POST', '/api/v1/access/diff', {
    rules: [{ id: 'freeze', effect: 'deny', actions: ['push'], repository: 'apps/shop/**' }],
  });
  assert.equal(rules.statusCode, 200, rules.body);
  const frozen = (
    rules.json() as { changes: { registry: string; name: string; namespace: string; after: string[] }[] }
  ).changes.filter((c) => c.registry === 'registry.test');
  assert.deepEqual(
    frozen
      .filter((c) => c.namespace === 'apps/shop/*' || c.namespace === 'apps/shop/**')
      .map((c) => `${c.name}:${c.after.join(',')}`),
    ['ci+shop:pull', 'alice:pull'],
  );
  const bad = await f.admin('POST', '/api/v1/access/diff', {
    rules: [{ effect: 'maybe', actions: ['pull'] }],
  });
  assert.equal(bad.statusCode, 400);
  assert.match(errorOf(bad).message, /rules\[0\]\.effect/);
  const badConfig = await f.admin('POST', '/api/v1/access/diff', { config: 'users: [{ nam: bob }]\n' });
  assert.equal(badConfig.statusCode, 400, badConfig.body);
  assert.equal((await f.admin('POST', '/api/v1/access/diff', {})).statusCode, 400);

  // report: JSON, CSV, HTML
  const report = await f.call('GET', '/api/v1/access/report?registry=registry.test', { as: as('mgr') });
  assert.equal(report.statusCode, 200, report.body);
  const body = report.json() as {
    registry: string;
    generatedAt: string;
    configDigest: string;
    signingKeys: { kid: string }[];
    rows: { name: string }[];
    groups: { group: string; members: string[] }[];
  };
  assert.equal(body.registry, 'registry.test');
  assert.ok(Math.abs(Date.parse(body.generatedAt) - Date.now()) < 60_000);
  assert.match(body.configDigest, /^sha256:[0-9a-f]{64}$/);
  const keys = (await f.admin('GET', '/api/v1/keys')).json() as { keys: { kid: string }[] };
  assert.deepEqual(
    body.signingKeys.map((k) => k.kid),
    keys.keys.map((k) => k.kid),
  );
  assert.ok(
    !body.rows.some((r) => r.name === 'dora' || r.name === 'ci+old'),
    'disabled and expired left out',
  );
  assert.deepEqual(body.groups.find((g) => g.group === 'ops')?.members, ['alice', 'mgr']);
  const csv = await f.admin('GET', '/api/v1/access/report?registry=registry.test&format=csv');
  assert.match(csv.headers['content-type'] as string, /^text\/csv/);
  assert.match(csv.body, /\r\nkind,name,namespace,actions,granted_by\r\n/);
  assert.match(csv.body, /\r\nuser,bob,users\/bob\/\*,pull push delete,/);
  const html = await f.admin('GET', '/api/v1/access/report?registry=registry.test&format=html');
  assert.match(html.headers['content-type'] as string, /^text\/html/);
  assert.match(html.body, /<h3>Group ops \(2 members\)<\/h3>/);
  assert.doesNotMatch(html.body, /<script|https?:\/\/(?!127)/);

  // refusals: anonymous, a plain user, a manager of another registry
  const anonymous = await f.call(
    'GET',
    '/api/v1/access/who-can?registry=registry.test&scope=repository:x:pull',
  );
  assert.equal(anonymous.statusCode, 401);
  for (const url of [
    '/api/v1/access/who-can?registry=registry.test&scope=repository:x:pull',
    '/api/v1/access/what-can?principal=alice',
    '/api/v1/access/report?registry=registry.test',
  ]) {
    const plain = await f.call('GET', url, { as: as('bob') });
    assert.equal(plain.statusCode, 403, `${url}: ${plain.body}`);
    assert.equal(errorOf(plain).code, 'DENIED');
  }
  assert.equal(
    (await f.call('POST', '/api/v1/access/diff', { as: as('bob'), body: { rules: [] } })).statusCode,
    403,
  );
  const other = await f.call('GET', '/api/v1/access/report?registry=registry.test', { as: as('qamgr') });
  assert.equal(other.statusCode, 403);
  assert.match(errorOf(other).message, /registry\.test/);
  // qamgr sees its own registry only, in what-can and in diffs
  const mine = (
    await f.call('GET', '/api/v1/access/what-can?principal=alice', { as: as('qamgr') })
  ).json() as {
    registries: { registry: string }[];
  };
  assert.deepEqual(
    mine.registries.map((r) => r.registry),
    ['qa.test'],
  );
  const qaDiff = (
    await f.call('POST', '/api/v1/access/diff', { as: as('qamgr'), body: { config } })
  ).json() as {
    changes: { registry: string }[];
  };
  assert.ok(qaDiff.changes.every((c) => c.registry === 'qa.test'));
  assert.equal(
    (await f.admin('GET', '/api/v1/access/who-can?registry=nope.test&scope=repository:x:pull')).statusCode,
    404,
  );
  const badScope = await f.admin(
    'GET',
    '/api/v1/access/who-can?registry=registry.test&scope=repository:apps/[x]:pull',
  );
  assert.equal(badScope.statusCode, 400);
}

describe('access review API', () => {
  test('on SQLite', async () => {
    const f = await openApiFixture();
    try {
      await scenario(f);
      const document = (await f.admin('GET', '/api/v1/openapi.json')).json() as {
        paths: Record<string, Record<string, unknown>>;
      };
      assert.ok(document.paths['/api/v1/access/who-can']?.get);
      assert.ok(document.paths['/api/v1/access/what-can']?.get);
      assert.ok(document.paths['/api/v1/access/diff']?.post);
      assert.ok(document.paths['/api/v1/access/report']?.get);
    } finally {
      await f.close();
    }
  });

  let database: TestDatabase | undefined;
  after(async () => database?.drop());
  test('on PostgreSQL', async (t) => {
    if (!(await requirePostgres(t))) return;
    database = await createTestDatabase();
    const f = await openApiFixture({ databaseUrl: database.url });
    try {
      await scenario(f);
    } finally {
      await f.close();
    }
  });
});
