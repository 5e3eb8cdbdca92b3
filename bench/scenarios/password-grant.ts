/**
 * Tokens via the password grant, uncached: every request names a different user (u2, u3, ...;
 * all with the same argon2id hash), so each one pays a full argon2id verification. Baseline: raw
 * argon2id verifications/s with the same parameters on the same core, 4 in flight (the libuv
 * threadpool size, as in the server); its runs alternate with the measured runs.
 */
import { fileURLToPath } from 'node:url';
import { startBenchServer } from '../lib/dataset.ts';
import { PASSWORD, SERVICE } from '../lib/fixture-model.ts';
import { type LoadResult, load } from '../lib/http-load.ts';
import { httpPlan, orgSpec } from '../lib/plan.ts';
import { placement, runJsonChild, SERVER_CORE } from '../lib/processes.ts';
import { median, round } from '../lib/stats.ts';
import { expectToken, FORM_HEADERS, SCOPE } from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

const CRYPTO = fileURLToPath(new URL('../lib/crypto-worker.ts', import.meta.url));
const TARGET = '>= 0.85 x raw argon2id verifies/s';

async function argon2Verifies(seconds: number): Promise<number> {
  const result = await runJsonChild<{ perSecond: number[] }>(
    CRYPTO,
    { kind: 'argon2-verify', seconds, runs: 1, inFlight: 4 },
    { core: SERVER_CORE },
  );
  return result.perSecond[0]!;
}

export const passwordGrant: Scenario = {
  name: 'password-grant',
  title: 'tokens via password grant, uncached (POST /token), 50 connections',
  target: TARGET,
  async run(options) {
    const plan = httpPlan(options.quick);
    const spec = orgSpec(options.quick);
    const server = await startBenchServer(spec, options.log);
    const runs: LoadResult[] = [];
    const baselineRuns: number[] = [];
    try {
      const body = `${new URLSearchParams({ grant_type: 'password', service: SERVICE, scope: SCOPE, password: PASSWORD }).toString()}&username=u{n}`;
      // u1 is used once here; the load starts at u2 so no request finds a cached check.
      await expectToken(
        await fetch(`${server.url}/token`, {
          method: 'POST',
          headers: FORM_HEADERS,
          body: body.replace('{n}', '1'),
        }),
        'password grant',
      );
      const spec_ = {
        url: server.url,
        method: 'POST' as const,
        path: '/token',
        headers: FORM_HEADERS,
        body,
        connections: plan.connections,
        durationSeconds: plan.durationSeconds,
      };
      let counter = 2;
      if (plan.warmupSeconds > 0)
        counter = (await load({ ...spec_, durationSeconds: plan.warmupSeconds, counterStart: counter }))
          .counterEnd;
      options.log(
        '  measuring POST /token grant_type=password (a different user per request), alternating with raw argon2id verifies',
      );
      for (let i = 0; i < plan.runs; i++) {
        const raw = await argon2Verifies(options.quick ? 1 : 5);
        const result = await load({ ...spec_, counterStart: counter });
        counter = result.counterEnd;
        if (counter > spec.users)
          throw new Error(`the load used ${counter} users but only ${spec.users} exist`);
        baselineRuns.push(raw);
        runs.push(result);
        options.log(
          `    run ${i + 1}/${plan.runs}: Purser ${round(result.perSecond2xx)} tokens/s p99 ${result.latencyP99} ms (non-2xx ${result.non2xx}); argon2id ${round(raw)} verifies/s`,
        );
      }
    } finally {
      await server.stop();
    }
    const measured = median(runs.map((r) => r.perSecond2xx));
    const baseline = median(baselineRuns);
    const p99 = median(runs.map((r) => r.latencyP99));
    const failures = runs.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
    const ratio = measured / baseline;
    const met = ratio >= 0.85 && failures === 0;
    return {
      measured,
      baseline,
      baselineKind: 'measured',
      baselineLabel: 'raw @node-rs/argon2 verify/s, m=19456 KiB t=2 p=1, 4 in flight, same core',
      ratio,
      ratioMeaning: 'measured / baseline (higher is better)',
      unit: 'tokens/s',
      baselineUnit: 'verifies/s',
      target: TARGET,
      met,
      notes: [
        `${plan.connections} connections, median of ${plan.runs} x ${plan.durationSeconds} s; ${placement()}`,
        `p99 ${p99} ms (argon2id queueing at 50 connections)`,
        failures > 0 ? `${failures} non-2xx/errors (counts as missed)` : '',
        met ? '' : `MISSED: ratio ${round(ratio)} < 0.85`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        p99Ms: p99,
        p50Ms: median(runs.map((r) => r.latencyP50)),
        runs: runs.map((r) => round(r.perSecond2xx)),
        baselineRuns: baselineRuns.map(round),
        failures,
      },
    };
  },
};
