/**
 * tokens-basic on PostgreSQL against the same scenario on SQLite, in the same run: the token
 * path itself is in memory, so what differs is the store behind the audit trail, the credential
 * and refresh lookups. A fresh throwaway database on the local server (127.0.0.1:5432, see
 * test/support/postgres.ts) holds the same dataset; runs alternate SQLite and PostgreSQL.
 */
import { createTestDatabase } from '../../test/support/postgres.ts';
import { type BenchServer, basicAuth, startBenchServer } from '../lib/dataset.ts';
import { SERVICE } from '../lib/fixture-model.ts';
import { type LoadResult, load } from '../lib/http-load.ts';
import { httpPlan, orgSpec } from '../lib/plan.ts';
import { placement } from '../lib/processes.ts';
import { median, round } from '../lib/stats.ts';
import { DISTINCT_SCOPE, expectToken, SCOPE } from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

const TARGET = '>= 0.9 x the same scenario on SQLite';
const MIN_RATIO = 0.9;

async function warm(server: BenchServer): Promise<void> {
  const path = `/token?${new URLSearchParams({ service: SERVICE, scope: SCOPE }).toString()}`;
  await expectToken(
    await fetch(`${server.url}${path}`, { headers: { authorization: basicAuth('u1') } }),
    'GET /token',
  );
}

export const tokensPostgres: Scenario = {
  name: 'tokens-postgres',
  title: 'tokens via cached Basic (GET /token) on PostgreSQL vs SQLite, 50 connections',
  target: TARGET,
  async run(options) {
    const plan = httpPlan(options.quick);
    const database = await createTestDatabase();
    const spec = orgSpec(options.quick);
    let sqlite: BenchServer | undefined;
    let postgres: BenchServer | undefined;
    const sqliteRuns: LoadResult[] = [];
    const postgresRuns: LoadResult[] = [];
    try {
      sqlite = await startBenchServer(spec, options.log);
      postgres = await startBenchServer({ ...spec, databaseUrl: database.url }, options.log);
      await warm(sqlite);
      await warm(postgres);
      const request = (server: BenchServer, counterStart: number) => ({
        url: server.url,
        method: 'GET' as const,
        path: `/token?service=${encodeURIComponent(SERVICE)}&scope=${DISTINCT_SCOPE}`,
        headers: { authorization: basicAuth('u1') },
        connections: plan.connections,
        durationSeconds: plan.durationSeconds,
        counterStart,
      });
      if (plan.warmupSeconds > 0) {
        await load({ ...request(sqlite, 0), durationSeconds: plan.warmupSeconds });
        await load({ ...request(postgres, 0), durationSeconds: plan.warmupSeconds });
      }
      options.log('  measuring GET /token (distinct scopes), alternating SQLite and PostgreSQL');
      let counter = 1_000_000;
      for (let i = 0; i < plan.runs; i++) {
        const s = await load(request(sqlite, counter));
        const p = await load(request(postgres, s.counterEnd));
        counter = p.counterEnd;
        sqliteRuns.push(s);
        postgresRuns.push(p);
        options.log(
          `    run ${i + 1}/${plan.runs}: SQLite ${Math.round(s.perSecond2xx)}/s p99 ${s.latencyP99} ms; PostgreSQL ${Math.round(p.perSecond2xx)}/s p99 ${p.latencyP99} ms`,
        );
      }
    } finally {
      await postgres?.stop();
      await sqlite?.stop();
      await database.drop();
    }
    const measured = median(postgresRuns.map((r) => r.perSecond2xx));
    const baseline = median(sqliteRuns.map((r) => r.perSecond2xx));
    const failures = [...sqliteRuns, ...postgresRuns].reduce(
      (n, r) => n + r.non2xx + r.errors + r.timeouts,
      0,
    );
    const ratio = measured / baseline;
    const met = ratio >= MIN_RATIO && failures === 0;
    return {
      measured,
      baseline,
      baselineKind: 'measured',
      baselineLabel: 'the same requests against Purser on SQLite, same run',
      ratio,
      ratioMeaning: 'PostgreSQL / SQLite (higher is better)',
      unit: 'tokens/s',
      target: TARGET,
      met,
      notes: [
        `median of ${plan.runs} x ${plan.durationSeconds} s, ${plan.connections} connections; ${placement()}`,
        `p99 PostgreSQL ${median(postgresRuns.map((r) => r.latencyP99))} ms, SQLite ${median(sqliteRuns.map((r) => r.latencyP99))} ms`,
        failures > 0 ? `${failures} non-2xx/errors (counts as missed)` : '',
        met ? '' : `MISSED: ratio ${round(ratio)} < ${MIN_RATIO}${failures > 0 ? '; failures' : ''}`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        postgresRuns: postgresRuns.map((r) => Math.round(r.perSecond2xx)),
        sqliteRuns: sqliteRuns.map((r) => Math.round(r.perSecond2xx)),
        postgresP99Ms: median(postgresRuns.map((r) => r.latencyP99)),
        sqliteP99Ms: median(sqliteRuns.map((r) => r.latencyP99)),
        failures,
      },
    };
  },
};
