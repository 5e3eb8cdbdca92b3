/**
 * The LDAP source against a real OpenLDAP (slapd) on loopback: search-then-bind, groups, escaping,
 * TLS, pooling, and a directory that goes away mid-test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, type TestContext, test } from 'node:test';
import { compileGroupMapping } from '../../src/identity/group-mapping.ts';
import type { SourceResult } from '../../src/identity/identity-source.ts';
import { SourceChain } from '../../src/identity/source-chain.ts';
import { LdapSource, type LdapSourceOptions } from '../../src/identity/sources/ldap-source.ts';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import { secretWitness } from '../support/secret-witness.ts';
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

const PASSWORDS = ['alice-pw', 'bob-pw', 'carol-pw', 'jsmith-pw', 'dup-pw', 'wrong-Pw-77'];

describe('LDAP identity source (OpenLDAP)', { concurrency: false }, () => {
  let slapd: Slapd | undefined;
  const witness = secretWitness();
  const sources: LdapSource[] = [];

  const source = (overrides: Partial<LdapSourceOptions> = {}) => {
    const made = new LdapSource({
      name: 'corp',
      url: slapd!.url,
      startTls: false,
      insecureSkipVerify: false,
      bindDn: SERVICE_DN,
      bindPassword: SERVICE_PASSWORD,
      userBase: PEOPLE,
      userFilter: '(&(objectClass=inetOrgPerson)(uid={username}))',
      groupBase: GROUPS,
      groupFilter: '(&(objectClass=groupOfNames)(member={dn}))',
      groupNameAttribute: 'cn',
      timeoutMs: 1_000,
      ...overrides,
    });
    sources.push(made);
    return made;
  };
  const login = async (from: LdapSource, username: string, password: string): Promise<SourceResult> => {
    const result = await from.authenticate(username, password);
    witness.see(result);
    return result;
  };

  before(async () => {
    if (SLAPD_BINARIES.every(hasBinary)) slapd = await startSlapd({ tls: true });
  });
  /** The server, or undefined (the test skipped, or failed under CI) when slapd is not installed. */
  const ready = (t: TestContext): Slapd | undefined =>
    requireBinaries(t, SLAPD_BINARIES) ? slapd : undefined;
  after(async () => {
    await Promise.all(sources.map((s) => s.close()));
    await slapd?.stop();
  });

  test('a good password: the entry, its canonical name and its groups', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const corp = source();
    const result = await login(corp, 'ALICE', 'alice-pw');
    assert.deepEqual(result, {
      outcome: 'accepted',
      identity: {
        username: 'alice',
        source: 'corp',
        externalId: personDn('alice'),
        groups: ['registry-devs', 'registry-pushers'],
        displayName: 'Alice Liddell',
        email: 'alice@example.org',
      },
    });
  });

  test('wrong password, unknown name, ambiguous name, empty password', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const corp = source();
    assert.deepEqual(await login(corp, 'alice', 'wrong-Pw-77'), { outcome: 'rejected' });
    assert.deepEqual(await login(corp, 'nobody', 'wrong-Pw-77'), { outcome: 'unknown' });
    assert.deepEqual(await login(corp, 'dup', 'dup-pw'), { outcome: 'unknown' }, 'two entries: no one');
    const before = slapd.logs().length;
    assert.deepEqual(await login(corp, 'alice', ''), { outcome: 'rejected' });
    assert.doesNotMatch(slapd.logs().slice(before), /BIND dn="uid=alice/, 'no bind is attempted');
  });

  test('a wrong password and an unknown name make the same requests', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const corp = source();
    await login(corp, 'bob', 'bob-pw'); // warm the pool: one connection, bound
    const requests = /op=\d+ (SRCH base|BIND dn="[^"]*" method)/g;
    // slapd's threads log a result after sending it: wait until every request has its result.
    const settled = async () => {
      for (let i = 0; i < 200; i++) {
        const logs = slapd.logs();
        if ([...logs.matchAll(/ RESULT tag=/g)].length >= [...logs.matchAll(requests)].length)
          return logs.length;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('slapd did not log a result for every request');
    };
    const operations = async (username: string) => {
      const from = await settled();
      await login(corp, username, 'wrong-Pw-77');
      const logged = slapd.logs().slice(from, await settled());
      return [...logged.matchAll(requests)].map((m) => m[1]!.split(' ')[0]).join(' ');
    };
    // Both paths leave the connection bound as the name tried, so the next login rebinds first:
    // what a request costs never depends on whether the name exists.
    assert.equal(await operations('bob'), 'SRCH BIND');
    const sequences = [await operations('nobody'), await operations('bob'), await operations('nobody')];
    assert.deepEqual(sequences, ['BIND SRCH BIND', 'BIND SRCH BIND', 'BIND SRCH BIND']);
  });

  test('filter injection attempts match nothing, even with a valid password', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const corp = source();
    for (const name of ['*', 'a*', 'a)(uid=*', '*)(|(uid=*', 'alice\u0000', 'alice)(objectClass=*', '\\2a']) {
      assert.deepEqual(await login(corp, name, 'alice-pw'), { outcome: 'unknown' }, JSON.stringify(name));
    }
    // slapd logs the filter it received, escapes in upper case.
    assert.match(slapd.logs(), /filter="\(&\(objectClass=inetOrgPerson\)\(uid=a\\29\\28uid=\\2a\)\)"/i);
  });

  test('a DN with specials is escaped into the group filter', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const result = await login(source(), 'jsmith', 'jsmith-pw');
    assert.equal(result.outcome, 'accepted');
    assert.ok(result.outcome === 'accepted');
    // slapd returns the DN in its own escaping (\2C for the comma); either way it is one entry.
    assert.match(result.identity.externalId, /^cn=Smith\\(,|2C) John,ou=people,/);
    assert.deepEqual(result.identity.groups, ['registry-devs']);
  });

  test('a change of group membership is seen on the next login and by lookup (sync)', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const corp = source();
    const groupsOf = async () => {
      const result = await login(corp, 'bob', 'bob-pw');
      return result.outcome === 'accepted' ? result.identity.groups : result.outcome;
    };
    assert.deepEqual(await groupsOf(), ['registry-devs']);
    await slapd.modify(membershipChange('registry-pushers', personDn('bob'), 'add'));
    assert.deepEqual(await groupsOf(), ['registry-devs', 'registry-pushers']);
    await slapd.modify(membershipChange('registry-devs', personDn('bob'), 'delete'));
    assert.deepEqual(await groupsOf(), ['registry-pushers']);

    // identity sync asks without the password; a person removed from the directory is unknown.
    const synced = await corp.lookup('bob');
    assert.deepEqual(synced.outcome === 'accepted' && synced.identity.groups, ['registry-pushers']);
    await slapd.modify(`dn: ${personDn('bob')}\nchangetype: delete\n`);
    assert.deepEqual(await corp.lookup('bob'), { outcome: 'unknown' });
  });

  test('connections are reused; parallel logins wait for a free one', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const corp = source();
    const from = slapd.logs().length;
    for (let i = 0; i < 6; i++) assert.equal((await login(corp, 'carol', 'carol-pw')).outcome, 'accepted');
    const logged = slapd.logs().slice(from);
    assert.equal([...logged.matchAll(/ ACCEPT from /g)].length, 1, 'one TCP connection');
    // Each login binds as carol, then as the service account again for the group search.
    assert.equal([...logged.matchAll(/BIND dn="cn=purser,ou=system/g)].length / 2, 1 + 6);

    const small = source({ poolSize: 2 });
    const before = slapd.logs().length;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        login(small, i % 2 ? 'carol' : 'alice', i % 2 ? 'carol-pw' : 'alice-pw'),
      ),
    );
    assert.deepEqual(new Set(results.map((r) => r.outcome)), new Set(['accepted']));
    assert.equal(
      [
        ...slapd
          .logs()
          .slice(before)
          .matchAll(/ ACCEPT from /g),
      ].length,
      2,
      'at most poolSize connections',
    );
  });

  test('StartTLS with the CA file: the bind only after TLS is established', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const corp = source({ startTls: true, caCertificate: readFileSync(slapd.caFile!, 'utf8') });
    const from = slapd.logs().length;
    assert.equal((await login(corp, 'alice', 'alice-pw')).outcome, 'accepted');
    const logged = slapd.logs().slice(from);
    const tlsAt = logged.indexOf('TLS established');
    assert.ok(tlsAt >= 0, 'StartTLS was used');
    assert.ok(tlsAt < logged.indexOf('BIND dn='), 'no bind before TLS');

    // The pooled connection dies with the server; the next login must not bind in clear text.
    await slapd.stop();
    await slapd.start();
    const first = await login(corp, 'alice', 'alice-pw');
    assert.deepEqual(first.outcome, 'accepted', JSON.stringify(first));
    const restarted = slapd.logs();
    assert.ok(restarted.indexOf('TLS established') >= 0, 'StartTLS again after the restart');
    assert.ok(restarted.indexOf('TLS established') < restarted.indexOf('BIND dn='), 'no bind before TLS');
  });

  test('LDAPS: the CA file is required, insecure_skip_verify opts out', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const ca = readFileSync(slapd.caFile!, 'utf8');
    const verified = source({ url: slapd.ldapsUrl!, caCertificate: ca });
    assert.equal((await login(verified, 'alice', 'alice-pw')).outcome, 'accepted');
    const untrusted = source({ url: slapd.ldapsUrl! });
    const refused = await login(untrusted, 'alice', 'alice-pw');
    assert.equal(refused.outcome, 'unavailable');
    assert.match(refused.outcome === 'unavailable' ? refused.reason : '', /self.signed|certificate/i);
    const health = await untrusted.health();
    assert.equal(health.ok, false);
    const skipping = source({ url: slapd.ldapsUrl!, insecureSkipVerify: true });
    assert.equal((await login(skipping, 'alice', 'alice-pw')).outcome, 'accepted');
  });

  test('without bind_dn the searches are anonymous, and go back to anonymous after a login', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const anonymous = source({ bindDn: undefined, bindPassword: undefined });
    const from = slapd.logs().length;
    const first = await login(anonymous, 'alice', 'alice-pw');
    assert.deepEqual(first.outcome === 'accepted' && first.identity.groups, [
      'registry-devs',
      'registry-pushers',
    ]);
    assert.deepEqual(await login(anonymous, 'alice', 'wrong-Pw-77'), { outcome: 'rejected' });
    assert.deepEqual(await login(anonymous, 'nobody', 'wrong-Pw-77'), { outcome: 'unknown' });
    // After each bind as a person, an anonymous bind (dn="") before the next search.
    assert.ok(
      [
        ...slapd
          .logs()
          .slice(from)
          .matchAll(/BIND dn="" method=128/g),
      ].length >= 2,
    );
    assert.doesNotMatch(slapd.logs().slice(from), /BIND dn="cn=purser,/);
  });

  test('health: a wrong bind password is reported without the password', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    assert.equal((await source().health()).ok, true);
    const wrong = source({ bindPassword: 'not-The-Bind-Pw-3' });
    const health = await wrong.health();
    witness.see(health);
    assert.equal(health.ok, false);
    assert.equal(health.detail, 'the directory refused: invalid credentials (49)');
    assert.equal((await login(wrong, 'alice', 'alice-pw')).outcome, 'unavailable');
    witness.assertClean(['not-The-Bind-Pw-3']);
  });

  test('the directory stopped or hung mid-test: unavailable within the timeout, logged once', async (t) => {
    const slapd = ready(t);
    if (!slapd) return;
    const corp = source();
    const chain = new SourceChain(
      [
        {
          source: corp,
          mapping: compileGroupMapping({ groups: { 'registry-devs': 'dev' } }, { ignoreCase: true }).mapping,
        },
      ],
      { isLocalName: () => false, logger: witness.logger },
    );
    const accepted = await chain.authenticate('alice', 'alice-pw');
    assert.deepEqual(accepted.outcome === 'accepted' && accepted.access.groups, ['dev']);

    await slapd.stop();
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const result = await chain.authenticate('alice', 'alice-pw');
      witness.see(result);
      assert.equal(result.outcome, 'unavailable');
      assert.ok(performance.now() - started < 3_000, 'bounded by the 1 s timeout, not a hang');
    }
    assert.match(JSON.stringify(await chain.authenticate('bob', 'bob-pw')), /ECONNREFUSED/);
    await slapd.start();
    assert.equal((await chain.authenticate('alice', 'alice-pw')).outcome, 'accepted', 'back after a restart');

    await slapd.pause();
    try {
      const started = performance.now();
      const result = await chain.authenticate('alice', 'alice-pw');
      const elapsed = performance.now() - started;
      assert.equal(result.outcome, 'unavailable');
      assert.ok(elapsed >= 900 && elapsed < 3_000, `gave up after the timeout (${Math.round(elapsed)} ms)`);
    } finally {
      slapd.resume();
    }
    assert.equal((await chain.authenticate('alice', 'alice-pw')).outcome, 'accepted', 'back after a pause');

    const transitions = witness.lines
      .map((line) => JSON.parse(line) as { msg: string; source?: string })
      .filter((l) => l.source === 'corp')
      .map((l) => l.msg);
    assert.deepEqual(transitions, [
      'identity source unavailable',
      'identity source answers again',
      'identity source unavailable',
      'identity source answers again',
    ]);
  });

  test('no password or bind password in anything logged or returned', () => {
    witness.assertClean([SERVICE_PASSWORD, ...PASSWORDS]);
  });
});
