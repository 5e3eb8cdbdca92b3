/**
 * People of a real OpenLDAP (slapd on loopback) log in to a running Purser (app.inject): the
 * directory's groups become grants through GET and POST /token, they own users/<name>/, filter
 * injection and empty passwords get the same 401 as a wrong password, a directory entry with a
 * local account's name does not open that account, a stopped directory gives 503 within the
 * timeout while local accounts keep working, and a membership change is seen after sync.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, type TestContext, test } from 'node:test';
import { stringify } from 'yaml';
import { LOCAL_ADMINISTRATOR } from '../../src/app/caller.ts';
import { hashPassword } from '../../src/identity/password.ts';
import { parseIdentitySources } from '../../src/identity/sources/source-config.ts';
import { type ApiFixture, basic, openApiFixture, ROOT } from '../api/fixture.ts';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import {
  GROUPS,
  membershipChange,
  PEOPLE,
  personDn,
  SERVICE_DN,
  SERVICE_PASSWORD,
  SLAPD_BINARIES,
  type Slapd,
  startSlapd,
} from '../support/slapd.ts';

const SERVICE = 'registry.test';
const ADMIN = { principal: LOCAL_ADMINISTRATOR };

describe('LDAP people log in to Purser (OpenLDAP)', { concurrency: false }, () => {
  let slapd: Slapd | undefined;
  let f: ApiFixture | undefined;

  const ready = (t: TestContext): boolean =>
    requireBinaries(t, SLAPD_BINARIES) && f !== undefined && slapd !== undefined;
  const getToken = (user: string, password: string, scope: string) =>
    f!.app.inject({
      method: 'GET',
      url: `/token?service=${SERVICE}&scope=${encodeURIComponent(scope)}`,
      headers: { authorization: basic(user, password) },
    });
  const granted = (body: string): string[] =>
    (
      JSON.parse(
        Buffer.from((JSON.parse(body) as { token: string }).token.split('.')[1]!, 'base64url').toString(),
      ) as {
        access: { actions: string[] }[];
      }
    ).access[0]?.actions ?? [];

  before(async () => {
    if (!SLAPD_BINARIES.every(hasBinary)) return;
    slapd = await startSlapd();
    const parsed = parseIdentitySources([
      {
        name: 'corp',
        kind: 'ldap',
        url: slapd.url,
        bind_dn: SERVICE_DN,
        bind_password: SERVICE_PASSWORD,
        user_base: PEOPLE,
        user_filter: '(&(objectClass=inetOrgPerson)(uid={username}))',
        group_base: GROUPS,
        group_filter: '(&(objectClass=groupOfNames)(member={dn}))',
        groups: { 'registry-devs': 'dev' },
        privileges: { 'registry-devs': ['puller'], 'registry-pushers': ['pusher'] },
        timeout: 1,
      },
    ]);
    assert.deepEqual(parsed.problems, []);
    f = await openApiFixture({ identitySources: parsed.sources });
    await f.writers.groups.upsert('dev');
    await f.writers.registries.upsert({
      service: SERVICE,
      url: 'http://127.0.0.1:5000',
      publications: ['dev'],
      responsibles: ['dev'],
    });
    // A local account whose name the directory also holds.
    await f.writers.users.upsert({ name: 'carol', passwordHash: await hashPassword('carol-local-pw') });
    await f.runtime.authority.refresh();
    f.runtime.services.identity.checkMappedGroups();
  });
  after(async () => {
    await f?.close();
    await slapd?.stop();
  });

  test('directory groups become grants through GET /token and POST /token', async (t) => {
    if (!ready(t)) return;
    const alice = await getToken('alice', 'alice-pw', 'repository:team/web:pull,push');
    assert.equal(alice.statusCode, 200, alice.body);
    assert.deepEqual(granted(alice.body), ['pull', 'push']);
    const bob = await f!.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'password',
        username: 'bob',
        password: 'bob-pw',
        service: SERVICE,
        scope: 'repository:team/web:pull,push',
      }).toString(),
    });
    assert.equal(bob.statusCode, 200, bob.body);
    assert.equal(bob.json().scope, 'repository:team/web:pull', 'bob is a puller only');
    // Logins of directory people count under their source, and the source is seen up.
    const metrics = await f!.runtime.metrics.render();
    assert.match(metrics, /^purser_logins_total\{source="corp",result="success"\} [1-9]/m);
    assert.match(metrics, /^purser_identity_source_up\{source="corp"\} 1$/m);

    const listed = await f!.admin('GET', '/api/v1/users');
    const users = listed.json().users as { name: string; source: string | null; groups: string[] }[];
    const byName = Object.fromEntries(users.map((u) => [u.name, u]));
    assert.equal(byName.alice?.source, 'corp');
    assert.deepEqual(byName.alice?.groups, ['dev']);
    assert.equal(byName.carol?.source, null);
    assert.equal(byName[ROOT.name]?.source, null);
  });

  test("a directory person owns users/<name>/ and nobody else's", async (t) => {
    if (!ready(t)) return;
    assert.deepEqual(
      granted((await getToken('alice', 'alice-pw', 'repository:users/alice/tool:pull,push')).body),
      ['pull', 'push'],
    );
    assert.deepEqual(
      granted((await getToken('alice', 'alice-pw', 'repository:users/bob/tool:pull,push')).body),
      [],
    );
  });

  test('filter injection, empty and wrong passwords, unknown names: one 401', async (t) => {
    if (!ready(t)) return;
    const wrong = await getToken('alice', 'not-her-pw', 'repository:team/web:pull');
    assert.equal(wrong.statusCode, 401);
    for (const [user, password] of [
      ['*', 'alice-pw'],
      ['a*', 'alice-pw'],
      ['alice)(uid=*', 'alice-pw'],
      ['*)(|(uid=*', 'x'],
      ['alice', ''],
      ['nobody-here', 'whatever'],
      ['dup', 'dup-pw'],
    ] as const) {
      const response = await getToken(user, password, 'repository:team/web:pull');
      assert.equal(response.statusCode, 401, `${user}: ${response.body}`);
      assert.equal(response.body, wrong.body, `${user} gets the same body as a wrong password`);
    }
  });

  test('a directory entry named like a local account does not open it', async (t) => {
    if (!ready(t)) return;
    assert.equal((await getToken('carol', 'carol-pw', 'repository:team/web:pull')).statusCode, 401);
    assert.equal((await getToken('carol', 'carol-local-pw', 'repository:team/web:pull')).statusCode, 200);
    const carol = (await f!.admin('GET', '/api/v1/users/carol')).json();
    assert.equal(carol.source, null, 'carol stays a local account');
  });

  test('a membership change in the directory is seen after identity sync', async (t) => {
    if (!ready(t)) return;
    assert.deepEqual(granted((await getToken('bob', 'bob-pw', 'repository:team/web:pull')).body), ['pull']);
    await slapd!.modify(membershipChange('registry-devs', personDn('bob'), 'delete'));
    const [report] = await f!.runtime.services.identity.sync(ADMIN, 'corp');
    assert.deepEqual(report?.updated.sort(), ['bob']);
    assert.ok(report?.unchanged.includes('alice'));
    const bob = (await f!.admin('GET', '/api/v1/users/bob')).json();
    assert.deepEqual(bob.groups, []);
    assert.deepEqual(granted((await getToken('bob', 'bob-pw', 'repository:team/web:pull')).body), []);
    await slapd!.modify(membershipChange('registry-devs', personDn('bob'), 'add'));
  });

  test('purser identity list|check|sync and user list on the same data directory', async (t) => {
    if (!ready(t)) return;
    const config = join(f!.dataDir, 'purser.yaml');
    writeFileSync(
      config,
      stringify({
        data: f!.dataDir,
        identity: {
          sources: [
            {
              name: 'corp',
              kind: 'ldap',
              url: slapd!.url,
              bind_dn: SERVICE_DN,
              bind_password: SERVICE_PASSWORD,
              user_base: PEOPLE,
              user_filter: '(&(objectClass=inetOrgPerson)(uid={username}))',
              group_base: GROUPS,
              group_filter: '(&(objectClass=groupOfNames)(member={dn}))',
              groups: { 'registry-devs': 'dev' },
              privileges: { 'registry-devs': ['puller'], 'registry-pushers': ['pusher'] },
            },
          ],
        },
      }),
      { mode: 0o600 },
    );
    const cli = (...args: string[]) => purserCli(['--config', config, ...args]);
    let r = await cli('identity', 'list', '--json');
    assert.equal(r.code, 0, describeResult(r));
    const [listed] = JSON.parse(r.stdout) as { name: string; kind: string; users: number }[];
    assert.equal(listed?.name, 'corp');
    assert.equal(listed?.kind, 'ldap');
    assert.ok((listed?.users ?? 0) >= 2, r.stdout);
    r = await cli('identity', 'check');
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /corp\s+ldap\s+ok/);
    r = await cli('identity', 'sync', '--source', 'corp', '--json');
    assert.equal(r.code, 0, describeResult(r));
    assert.equal((JSON.parse(r.stdout) as { source: string }[])[0]?.source, 'corp');
    r = await cli('identity', 'check', '--source', 'nowhere');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no identity source named "nowhere"/);
    r = await cli('user', 'list');
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /SOURCE/);
    assert.match(r.stdout, /^alice\s.*\scorp$/m);
    assert.match(r.stdout, /^carol\s.*\slocal$/m);
    assert.ok(!`${r.stdout}${r.stderr}`.includes(SERVICE_PASSWORD));
  });

  test('the directory stopped: 503 within the timeout for its people, local accounts keep working', async (t) => {
    if (!ready(t)) return;
    const checked = await f!.runtime.services.identity.check(ADMIN);
    assert.equal(checked[0]?.ok, true, checked[0]?.detail);
    await slapd!.stop();
    try {
      const started = Date.now();
      // jsmith never logged in (nothing cached); alice's wrong password is not cached either.
      for (const [user, password] of [
        ['jsmith', 'jsmith-pw'],
        ['alice', 'another-pw'],
      ] as const) {
        const response = await getToken(user, password, 'repository:team/web:pull');
        assert.equal(response.statusCode, 503, `${user}: ${response.body}`);
        assert.match(response.body, /identity source corp cannot be reached/);
        assert.ok(!response.body.includes(SERVICE_PASSWORD));
      }
      assert.ok(Date.now() - started < 5_000, 'answered within the timeout');
      assert.equal((await getToken(ROOT.name, ROOT.password, 'repository:team/web:pull')).statusCode, 200);
      assert.equal((await getToken('carol', 'carol-local-pw', 'repository:team/web:pull')).statusCode, 200);
      const down = await f!.runtime.services.identity.check(ADMIN, 'corp');
      assert.equal(down[0]?.ok, false);
      assert.equal(f!.runtime.services.identity.list(ADMIN)[0]?.up, false);
    } finally {
      await slapd!.start();
    }
    assert.equal((await getToken('jsmith', 'jsmith-pw', 'repository:team/web:pull')).statusCode, 200);
  });

  test('failed directory logins are throttled like local ones', async (t) => {
    if (!ready(t)) return;
    let status = 401;
    for (let i = 0; i < 30 && status === 401; i++)
      status = (await getToken('bob', `wrong-${i}`, 'repository:team/web:pull')).statusCode;
    assert.equal(status, 429, 'the throttle ends the guessing');
    // Blocked before the directory is asked (a success cached earlier is not an attempt).
    assert.equal((await getToken('bob', 'another-guess', 'repository:team/web:pull')).statusCode, 429);
  });
});
