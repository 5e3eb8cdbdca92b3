/**
 * Concurrent creates of one name over real HTTP, on SQLite and PostgreSQL: exactly one 201 and
 * 409 for the others, for every kind of record; the record that exists is the winner's (the
 * one password that works is the one the 201 was for); creates of different names at once all
 * succeed (ids taken as max+1 are picked again after a lost race). Also two processes on one
 * SQLite file (the CLI next to a server), and a user and a service account of one name.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { LOCAL_ADMINISTRATOR } from '../../src/app/caller.ts';
import { Conflict } from '../../src/domain/errors.ts';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../support/postgres.ts';
import { purserCli } from '../support/purser.ts';
import { type ApiFixture, basic, openApiFixture, ROOT } from './fixture.ts';

const RACERS = 6;

const KINDS: readonly { path: string; body: (i: number) => Record<string, unknown> }[] = [
  { path: 'users', body: (i) => ({ name: 'racer', password: `password-${i}` }) },
  { path: 'groups', body: () => ({ name: 'racers' }) },
  { path: 'apps', body: () => ({ name: 'race' }) },
  { path: 'services', body: (i) => ({ name: 'race-host', secret: `service-secret-number-${i}` }) },
  {
    path: 'robots',
    body: (i) => ({
      name: 'ci+racer',
      repositories: ['team/*'],
      permission: 'read',
      secret: `robot-secret-number-${i}`,
    }),
  },
  { path: 'registries', body: (i) => ({ service: 'race.registry', url: `http://127.0.0.1:${5000 + i}` }) },
];

async function listen(f: ApiFixture): Promise<string> {
  await f.app.listen({ host: '127.0.0.1', port: 0 });
  const address = f.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return `http://127.0.0.1:${address.port}`;
}

function racers(url: string, path: string, bodies: Record<string, unknown>[]): Promise<number[]> {
  return Promise.all(
    bodies.map(async (body) => {
      const response = await fetch(`${url}/api/v1/${path}`, {
        method: 'POST',
        headers: { authorization: basic(ROOT.name, ROOT.password), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.arrayBuffer();
      return response.status;
    }),
  );
}

async function raceEveryKind(f: ApiFixture): Promise<void> {
  const url = await listen(f);
  for (const kind of KINDS) {
    const bodies = Array.from({ length: RACERS }, (_, i) => kind.body(i));
    const statuses = await racers(url, kind.path, bodies);
    assert.deepEqual(
      [...statuses].sort(),
      [201, ...Array(RACERS - 1).fill(409)],
      `${kind.path}: one 201, the others 409 (got ${statuses.join(', ')})`,
    );
    if (kind.path === 'users') {
      const winner = statuses.indexOf(201);
      const works = await Promise.all(
        bodies.map(async (_, i) => {
          const response = await fetch(`${url}/api/v1/me`, {
            headers: { authorization: basic('racer', `password-${i}`) },
          });
          await response.arrayBuffer();
          return response.status === 200;
        }),
      );
      assert.deepEqual(
        works.map((ok, i) => (ok ? i : -1)).filter((i) => i >= 0),
        [winner],
        'only the password of the request that got 201 works',
      );
    }
  }
  // One login namespace: a user and a service account of one name at once, one of them wins.
  const crossKind = await Promise.all([
    racers(url, 'users', [{ name: 'shared-name', password: 'user-password' }]),
    racers(url, 'services', [{ name: 'shared-name', secret: 'service-secret-number-x' }]),
  ]);
  assert.deepEqual(crossKind.flat().sort(), [201, 409], `one kind wins (got ${crossKind.flat().join(', ')})`);
  const distinct = await racers(
    url,
    'users',
    Array.from({ length: RACERS }, (_, i) => ({ name: `distinct-${i}` })),
  );
  assert.deepEqual(distinct, Array(RACERS).fill(201), 'different names at once all succeed');
  const ids = (await f.admin('GET', '/api/v1/users')).json() as { users: { id: number }[] };
  assert.equal(new Set(ids.users.map((u) => u.id)).size, ids.users.length, 'every id is distinct');
}

describe('concurrent creates on SQLite', () => {
  let f: ApiFixture | undefined;
  after(() => f?.close());

  test('one 201, the others 409, for every kind', async () => {
    f = await openApiFixture();
    await raceEveryKind(f);
  });

  test('the CLI in other processes and the server on one SQLite file: one creates, the others get 409', async () => {
    const caller = { principal: LOCAL_ADMINISTRATOR };
    const cli = () => purserCli(['group', 'add', 'two-processes'], { env: { PURSER_DATA: f!.dataDir } });
    const [a, b, ...local] = await Promise.allSettled([
      cli(),
      cli(),
      ...Array.from({ length: 4 }, (_, i) =>
        new Promise((resolve) => setTimeout(resolve, 200 * i)).then(() =>
          f!.runtime.services.groups.create(caller, { name: 'two-processes' }),
        ),
      ),
    ]);
    const codes = [a, b].map((r) => (r.status === 'fulfilled' ? r.value.code : -1));
    for (const code of codes) assert.ok(code === 0 || code === 6, `CLI exit ${code} (0 or 6 for conflict)`);
    for (const o of local)
      if (o.status === 'rejected') assert.ok(o.reason instanceof Conflict, String(o.reason));
    const created =
      codes.filter((c) => c === 0).length + local.filter((o) => o.status === 'fulfilled').length;
    assert.equal(created, 1, `exactly one create succeeded (CLI exits ${codes.join(', ')})`);
  });
});

describe('concurrent creates on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  let f: ApiFixture | undefined;
  after(async () => {
    await f?.close();
    await database?.drop();
  });

  test('one 201, the others 409, for every kind', async (t) => {
    if (!(await requirePostgres(t))) return;
    database = await createTestDatabase();
    f = await openApiFixture({ databaseUrl: database.url });
    await raceEveryKind(f);
  });
});
