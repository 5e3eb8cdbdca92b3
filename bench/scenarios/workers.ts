/**
 * Tokens/s of `purser serve --workers 2` against `--workers 1`, with wrk as the load generator
 * (lighter than autocannon): cached Basic credentials and a different repository per request
 * (tokens-basic's request, so every token is decided and signed). Servers and wrk are left
 * unpinned — a cluster needs every core — and runs alternate between the two servers. On a
 * 2-core machine the load generator takes part of the second worker's core, so there is no
 * target: the ratio and the core count are reported, and it is met when it ran.
 */
import os from 'node:os';
import { type BenchServer, basicAuth, startBenchServer } from '../lib/dataset.ts';
import { SERVICE } from '../lib/fixture-model.ts';
import { httpPlan, orgSpec } from '../lib/plan.ts';
import { hasBinary } from '../lib/processes.ts';
import { median, round } from '../lib/stats.ts';
import { DISTINCT_SCOPE, expectToken, SCOPE } from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';
import { type WrkResult, wrk } from '../lib/wrk-load.ts';

const TARGET =
  'none on a 2-core machine: report --workers 2 / --workers 1 and the core count (met when it ran)';

async function startWorkers(
  workers: number,
  quick: boolean,
  log: (line: string) => void,
): Promise<BenchServer> {
  return startBenchServer(
    orgSpec(quick),
    log,
    {},
    {
      args: ['--workers', String(workers)],
      core: null,
      // The cluster's primary says so once every worker listens.
      ready:
        workers > 1 ? /purser listening on (\S+) \(data: .*, \d+ workers\)/ : /purser listening on (\S+)/,
    },
  );
}

export const workers: Scenario = {
  name: 'workers',
  title: 'tokens/s of purser serve --workers 2 against --workers 1 (wrk)',
  target: TARGET,
  async run(options) {
    if (!hasBinary('wrk')) throw new Error('wrk is not installed (scripts/install-test-deps.sh)');
    const plan = httpPlan(options.quick);
    const cores = os.availableParallelism();
    const one = await startWorkers(1, options.quick, options.log);
    const two = await startWorkers(2, options.quick, options.log).catch(async (error: unknown) => {
      await one.stop();
      throw error;
    });
    const headers = { authorization: basicAuth('u1') };
    const path = `/token?service=${encodeURIComponent(SERVICE)}&scope=${DISTINCT_SCOPE}`;
    const runsOne: WrkResult[] = [];
    const runsTwo: WrkResult[] = [];
    try {
      const first = `/token?${new URLSearchParams({ service: SERVICE, scope: SCOPE }).toString()}`;
      for (const server of [one, two]) {
        // A few requests, so each worker of the cluster has likely checked the credential once.
        for (let i = 0; i < 4; i++)
          await expectToken(await fetch(`${server.url}${first}`, { headers }), 'GET /token with Basic');
      }
      const spec = (url: string, seconds: number) => ({
        url,
        path,
        headers,
        connections: plan.connections,
        durationSeconds: seconds,
      });
      if (plan.warmupSeconds > 0) {
        await wrk(spec(one.url, plan.warmupSeconds));
        await wrk(spec(two.url, plan.warmupSeconds));
      }
      options.log(`  ${cores} cores; alternating wrk runs against --workers 1 and --workers 2`);
      for (let i = 0; i < plan.runs; i++) {
        const a = await wrk(spec(one.url, plan.durationSeconds));
        const b = await wrk(spec(two.url, plan.durationSeconds));
        runsOne.push(a);
        runsTwo.push(b);
        options.log(
          `    run ${i + 1}/${plan.runs}: --workers 1 ${Math.round(a.perSecond2xx)}/s p99 ${a.latencyP99Ms} ms; --workers 2 ${Math.round(b.perSecond2xx)}/s p99 ${b.latencyP99Ms} ms`,
        );
      }
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
    const measured = median(runsTwo.map((r) => r.perSecond2xx));
    const baseline = median(runsOne.map((r) => r.perSecond2xx));
    const failures = [...runsOne, ...runsTwo].reduce((sum, r) => sum + r.non2xx + r.errors, 0);
    const ratio = measured / baseline;
    return {
      measured,
      baseline,
      baselineKind: 'measured',
      baselineLabel: '`purser serve --workers 1`, the same requests, same run',
      ratio,
      ratioMeaning: '--workers 2 / --workers 1 (higher is better; no target)',
      unit: 'tokens/s',
      target: TARGET,
      met: failures === 0,
      notes: [
        `GET /token, Basic u1 (cached), a distinct scope per request; wrk -t1 -c${plan.connections}, median of ${plan.runs} x ${plan.durationSeconds} s, alternating; servers and wrk unpinned on ${cores} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`,
        `--workers 2: ${round(measured)}/s (p99 ${median(runsTwo.map((r) => r.latencyP99Ms))} ms); --workers 1: ${round(baseline)}/s (p99 ${median(runsOne.map((r) => r.latencyP99Ms))} ms); ratio ${round(ratio)}`,
        cores <= 2
          ? "with 2 cores wrk takes part of the second worker's core, so the ratio cannot reach 2"
          : '',
        failures > 0 ? `${failures} non-2xx/socket errors (counts as not run)` : '',
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        cores,
        p99Ms: median(runsTwo.map((r) => r.latencyP99Ms)),
        workers1P99Ms: median(runsOne.map((r) => r.latencyP99Ms)),
        runs: runsTwo.map((r) => Math.round(r.perSecond2xx)),
        workers1Runs: runsOne.map((r) => Math.round(r.perSecond2xx)),
        failures,
      },
    };
  },
};
