/**
 * Logins of directory users: GET /token with Basic credentials of people of a real OpenLDAP
 * (slapd, started as the tests start it: test/support/slapd.ts, with `uid` and `member`
 * indexed), a different person per request. Uncached: every person of the run logs in once
 * (500 per run of a directory of 2,000, other people each run; Purser already holds their accounts, as after an
 * earlier login, but has no credential cache entry for them; first logins are reported apart),
 * against the same run's raw `ldapts` search + bind + group search sequence
 * (bench/lib/ldap-worker.ts) over the same people. Cached: the same people again within the
 * credential cache TTL (60 s), against GET /token of a local user with cached Basic credentials
 * (tokens-basic's request) on the same server, same run. Both use a distinct scope per request,
 * so token reuse cannot help. Targets: uncached >= 0.8x the raw sequence; cached >= 0.9x basic.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GROUPS,
  PEOPLE,
  SERVICE_DN,
  SERVICE_PASSWORD,
  SLAPD_BINARIES,
  startSlapd,
} from '../../test/support/slapd.ts';
import { basicAuth, benchTemp, startBenchServer } from '../lib/dataset.ts';
import { SERVICE } from '../lib/fixture-model.ts';
import { type LoadResult, load } from '../lib/http-load.ts';
import { httpPlan, orgSpec } from '../lib/plan.ts';
import { hasBinary, placement, runJsonChild, SERVER_CORE } from '../lib/processes.ts';
import { composite, median, round } from '../lib/stats.ts';
import { DISTINCT_SCOPE, expectToken, SCOPE } from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

const WORKER = fileURLToPath(new URL('../lib/ldap-worker.ts', import.meta.url));
const CRYPTO = fileURLToPath(new URL('../lib/crypto-worker.ts', import.meta.url));
const MIN_UNCACHED = 0.8;
const MIN_CACHED = 0.9;
const TARGET = `uncached >= ${MIN_UNCACHED} x raw ldapts search+bind; cached >= ${MIN_CACHED} x tokens-basic`;
const PREFIX = 'ldap';
const PASSWORD = 'ldap-bench-pw';
const TEAM_SIZE = 100;
/** Purser's LDAP connection pool size (ldap-connection-pool.ts), used by the raw baseline too. */
const POOL = 4;

/** People `ldap1 … ldapN` in teams of 100 (`bench-team-K`, groupOfNames). */
function directory(people: number): { ldif: string; teams: number } {
  const entries: string[] = [];
  for (let i = 1; i <= people; i++) {
    entries.push(`dn: uid=${PREFIX}${i},${PEOPLE}
objectClass: inetOrgPerson
uid: ${PREFIX}${i}
cn: Bench Person ${i}
sn: Person
displayName: Bench Person ${i}
mail: ${PREFIX}${i}@example.org
userPassword: ${PASSWORD}
`);
  }
  const teams = Math.ceil(people / TEAM_SIZE);
  for (let t = 0; t < teams; t++) {
    const members: string[] = [];
    for (let i = t * TEAM_SIZE + 1; i <= Math.min(people, (t + 1) * TEAM_SIZE); i++)
      members.push(`member: uid=${PREFIX}${i},${PEOPLE}`);
    entries.push(`dn: cn=bench-team-${t},${GROUPS}
objectClass: groupOfNames
cn: bench-team-${t}
${members.join('\n')}
`);
  }
  return { ldif: entries.join('\n'), teams };
}

export const ldapLogin: Scenario = {
  name: 'ldap-login',
  title: 'GET /token for LDAP directory users (real slapd), uncached and cached',
  target: TARGET,
  async run(options) {
    if (!SLAPD_BINARIES.every(hasBinary))
      throw new Error('slapd is not installed (scripts/install-test-deps.sh)');
    const plan = httpPlan(options.quick);
    // 500 people a run: the uncached pass must end well inside the 60 s credential cache TTL
    // (each login pays an argon2id verify, ~100/s here), or the cached pass is not cached.
    const perRun = options.quick ? 100 : 500;
    // Bound people (their account recorded, as after an earlier login) for the measured runs,
    // then people who never logged in (their first login, reported apart), then one to check.
    const bound = perRun * plan.runs;
    const firsts = options.quick ? 20 : 50;
    // A directory of 2,000 people (the rest are never asked for).
    const people = Math.max(options.quick ? 0 : 2_000, bound + firsts + 1);
    const checked = bound + firsts + 1;
    const { ldif, teams } = directory(people);
    const t0 = Date.now();
    const slapd = await startSlapd({ extraLdif: ldif, indexes: ['uid eq', 'member eq', 'objectClass eq'] });
    options.log(
      `  slapd with ${people} people in ${teams} groups, started in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
    const secretFile = path.join(benchTemp('ldap'), 'bind-password');
    writeFileSync(secretFile, `${SERVICE_PASSWORD}\n`, { mode: 0o600 });
    // Every team is g1 (published on the registry) with pull and push, as u1 of tokens-basic.
    const teamNames = Array.from({ length: teams }, (_, t) => `bench-team-${t}`);
    const groups = Object.fromEntries(teamNames.map((team) => [team, 'g1']));
    const privileges = Object.fromEntries(teamNames.map((team) => [team, ['puller', 'pusher']]));
    const source = {
      name: 'corp',
      kind: 'ldap',
      url: slapd.url,
      bind_dn: SERVICE_DN,
      bind_password_file: secretFile,
      user_base: PEOPLE,
      user_filter: '(&(objectClass=inetOrgPerson)(uid={username}))',
      group_base: GROUPS,
      group_filter: '(&(objectClass=groupOfNames)(member={dn}))',
      groups,
      privileges,
      timeout: 10,
    };
    const spec = {
      ...orgSpec(options.quick),
      boundUsers: { source: 'corp', prefix: PREFIX, count: bound, base: PEOPLE },
    };
    const server = await startBenchServer(
      spec,
      options.log,
      {},
      {
        config: { identity: { sources: [source] } },
      },
    ).catch(async (error: unknown) => {
      await slapd.stop();
      throw error;
    });
    const scopePath = `/token?service=${encodeURIComponent(SERVICE)}&scope=${DISTINCT_SCOPE}`;
    const raw: number[] = [];
    const argon2: number[] = [];
    const uncached: LoadResult[] = [];
    const cached: LoadResult[] = [];
    const basic: LoadResult[] = [];
    let firstLogin: LoadResult | undefined;
    try {
      const first = `/token?${new URLSearchParams({ service: SERVICE, scope: SCOPE }).toString()}`;
      const body = await expectToken(
        await fetch(`${server.url}${first}`, {
          headers: { authorization: basicAuth(`${PREFIX}${checked}`, PASSWORD) },
        }),
        'GET /token as an LDAP user',
      );
      const claims = JSON.parse(Buffer.from(String(body.token).split('.')[1]!, 'base64url').toString()) as {
        access?: { actions: string[] }[];
      };
      if ((claims.access?.[0]?.actions.length ?? 0) === 0)
        throw new Error('the LDAP user was granted nothing: the group mapping is wrong');
      await expectToken(
        await fetch(`${server.url}${first}`, { headers: { authorization: basicAuth('u1') } }),
        'GET /token with Basic u1',
      );
      const http = { url: server.url, method: 'GET' as const, connections: plan.connections };
      const logins = (start: number, length: number, counterStart: number, amount?: number) =>
        load({
          ...http,
          path: scopePath,
          basic: { user: `${PREFIX}{c}`, password: PASSWORD },
          cycle: { start, length },
          counterStart,
          durationSeconds: amount ? 120 : plan.durationSeconds,
          // autocannon wants at least as many requests as connections.
          ...(amount ? { amount, connections: Math.min(plan.connections, amount) } : {}),
        });
      const local = () =>
        load({
          ...http,
          path: scopePath,
          headers: { authorization: basicAuth('u1') },
          durationSeconds: plan.durationSeconds,
          counterStart: 50_000_000,
        });
      // People who never logged in: each first login records the account (and reloads the model).
      firstLogin = await logins(bound + 1, firsts, 0, firsts);
      options.log(
        `  first logins: ${Math.round(firstLogin.perSecond2xx)}/s (${firstLogin.total2xx} of ${firsts} 2xx, ${firstLogin.non2xx} non-2xx, ${firstLogin.timeouts} client timeouts after 10 s)`,
      );
      if (plan.warmupSeconds > 0) {
        await logins(bound + 1, firsts, 90_000_000, undefined);
        await local();
      }
      options.log(
        `  measuring: raw ldapts (${POOL} connections), Purser uncached (${perRun} other people each run), cached (the same again), local Basic; alternating`,
      );
      for (let r = 0; r < plan.runs; r++) {
        const start = r * perRun + 1;
        const baseline = await runJsonChild<{ perSecond: number }>(
          WORKER,
          {
            url: slapd.url,
            serviceDn: SERVICE_DN,
            servicePassword: SERVICE_PASSWORD,
            userBase: PEOPLE,
            groupBase: GROUPS,
            prefix: PREFIX,
            start,
            count: perRun,
            password: PASSWORD,
            connections: POOL,
          },
          { core: SERVER_CORE },
        );
        // Purser also runs one argon2id verify per login to a source (credential-check.ts: the
        // same local work as any other name), which the raw sequence does not: measured apart.
        const hashing = await runJsonChild<{ perSecond: number[] }>(
          CRYPTO,
          { kind: 'argon2-verify', seconds: options.quick ? 0.5 : 2, runs: 1, inFlight: 4 },
          { core: SERVER_CORE },
        );
        argon2.push(hashing.perSecond[0]!);
        const u = await logins(start, perRun, 0, perRun);
        if (u.total2xx !== perRun || u.non2xx + u.errors > 0)
          throw new Error(
            `uncached logins: ${u.total2xx} of ${perRun} answered 2xx (non-2xx ${u.non2xx}, errors ${u.errors}): ${server.logs().slice(-500)}`,
          );
        const c = await logins(start, perRun, (r + 1) * 10_000_000, undefined);
        const b = await local();
        raw.push(baseline.perSecond);
        uncached.push(u);
        cached.push(c);
        basic.push(b);
        options.log(
          `    run ${r + 1}/${plan.runs}: raw ldapts ${Math.round(baseline.perSecond)} logins/s; argon2id ${Math.round(hashing.perSecond[0]!)}/s; Purser uncached ${Math.round(u.perSecond2xx)}/s p99 ${u.latencyP99} ms; cached ${Math.round(c.perSecond2xx)}/s p99 ${c.latencyP99} ms (non-2xx ${c.non2xx}); local Basic ${Math.round(b.perSecond2xx)}/s`,
        );
      }
    } finally {
      await server.stop();
      await slapd.stop();
    }
    const measured = median(uncached.map((r) => r.perSecond2xx));
    const baseline = median(raw);
    const argon2Rate = median(argon2);
    const withHashing = composite(baseline, argon2Rate);
    const cachedRate = median(cached.map((r) => r.perSecond2xx));
    const basicRate = median(basic.map((r) => r.perSecond2xx));
    const ratio = measured / baseline;
    const cachedRatio = cachedRate / basicRate;
    const failures = [...cached, ...basic].reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
    const met = ratio >= MIN_UNCACHED && cachedRatio >= MIN_CACHED && failures === 0;
    return {
      measured,
      baseline,
      baselineKind: 'measured',
      baselineLabel: `raw ldapts: search the person, bind, bind the service again, search the groups (${POOL} bound connections), logins/s`,
      ratio,
      ratioMeaning:
        'uncached Purser tokens/s / raw ldapts logins/s (higher is better); the cached ratio is in details',
      unit: 'tokens/s uncached',
      baselineUnit: 'logins/s',
      target: TARGET,
      met,
      notes: [
        `${people} people in slapd (uid, member, objectClass indexed), ${perRun} per run whose accounts Purser already holds but whose credentials are not cached, GET /token with Basic and a distinct scope per request, ${plan.connections} connections, median of ${plan.runs} run(s); ${placement()}; slapd unpinned`,
        `uncached: ${round(measured)} tokens/s vs raw ldapts ${round(baseline)} logins/s = ${round(ratio)} (p99 ${median(uncached.map((r) => r.latencyP99))} ms)`,
        `every login to a source also pays one argon2id verify (timing equalisation, src/identity/credential-check.ts): raw argon2id ${round(argon2Rate)} verifies/s on the same core; raw ldapts and argon2id in series ${round(withHashing)}/s, Purser = ${round(measured / withHashing)} of that`,
        `a person's first login (Purser records the account, and the access model reloads): ${round(firstLogin?.perSecond2xx ?? Number.NaN)}/s over ${firsts} people (not in the target)`,
        `cached (the same people within the 60 s credential cache TTL): ${round(cachedRate)} tokens/s vs local Basic (tokens-basic's request, same server) ${round(basicRate)} = ${round(cachedRatio)}`,
        failures > 0 ? `${failures} non-2xx/errors in the cached runs (counts as missed)` : '',
        cachedRate < 2 * measured
          ? 'WARNING: the cached pass was not clearly faster than the uncached one (did the 60 s TTL pass during the uncached pass?)'
          : '',
        met
          ? ''
          : `MISSED: ${[ratio < MIN_UNCACHED ? `uncached ${round(ratio)} < ${MIN_UNCACHED}` : '', cachedRatio < MIN_CACHED ? `cached ${round(cachedRatio)} < ${MIN_CACHED}` : '', failures > 0 ? 'failures' : ''].filter(Boolean).join('; ')}`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        p99Ms: median(uncached.map((r) => r.latencyP99)),
        cachedPerSecond: cachedRate,
        cachedP99Ms: median(cached.map((r) => r.latencyP99)),
        basicPerSecond: basicRate,
        cachedRatioToBasic: cachedRatio,
        runs: uncached.map((r) => Math.round(r.perSecond2xx)),
        rawRuns: raw.map(Math.round),
        cachedRuns: cached.map((r) => Math.round(r.perSecond2xx)),
        basicRuns: basic.map((r) => Math.round(r.perSecond2xx)),
        people,
        perRun,
        argon2VerifiesPerSecond: argon2Rate,
        rawLdapWithArgon2PerSecond: withHashing,
        ratioToRawWithArgon2: measured / withHashing,
        firstLoginPerSecond: firstLogin ? round(firstLogin.perSecond2xx) : 'n/a',
        firstLogin2xx: firstLogin ? firstLogin.total2xx : 'n/a',
        firstLoginTimeouts: firstLogin ? firstLogin.timeouts : 'n/a',
        firstLoginNon2xx: firstLogin ? firstLogin.non2xx : 'n/a',
        failures,
      },
    };
  },
};
