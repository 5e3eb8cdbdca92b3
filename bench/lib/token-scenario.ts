/**
 * Shared body of the two token scenarios (refresh-token grant, cached Basic): start Purser over
 * the organisation dataset and a bare Fastify server, then alternate runs — bare Fastify, Purser,
 * raw ES256 signs — so the composite limit and the measurement see the same machine state.
 */
import { basicAuth, startBenchServer } from './dataset.ts';
import { SERVICE } from './fixture-model.ts';
import { type LoadResult, type LoadSpec, load } from './http-load.ts';
import { httpPlan, orgSpec } from './plan.ts';
import { placement } from './processes.ts';
import { composite, median, round } from './stats.ts';
import { es256Signs, startBareFastify } from './token-baseline.ts';
import type { RunOptions, ScenarioOutcome } from './types.ts';

export const TOKEN_TARGET = '>= 0.6 x composite limit; p99 <= 20 ms';
/** u1 is in g1, and g1 is published on the registry: a real (allowing) policy decision. */
export const SCOPE = 'repository:groups/g1/app:pull,push';
/**
 * The same decision, for a different repository on every request (`{n}` is the load generator's
 * counter): no two requests share a grant, so token reuse cannot help and every token is signed.
 */
export const DISTINCT_SCOPE = 'repository:groups/g1/app-{n}:pull,push';

/** What a scenario is compared with: the composite limit (default), or the bare signing route. */
export interface TokenComparison {
  readonly baseline: 'composite' | 'signing-route';
  readonly minRatio: number;
  readonly maxP99Ms: number;
  readonly target: string;
}

const COMPOSITE: TokenComparison = {
  baseline: 'composite',
  minRatio: 0.6,
  maxP99Ms: 20,
  target: TOKEN_TARGET,
};

export async function runTokenScenario(
  options: RunOptions,
  prepare: (url: string) => Promise<Omit<LoadSpec, 'url' | 'connections' | 'durationSeconds'>>,
  label: string,
  comparison: TokenComparison = COMPOSITE,
): Promise<ScenarioOutcome> {
  const plan = httpPlan(options.quick);
  const bare = await startBareFastify();
  const server = await startBenchServer(orgSpec(options.quick), options.log).catch(async (error: unknown) => {
    await bare.stop();
    throw error;
  });
  const fastifyRuns: LoadResult[] = [];
  const purserRuns: LoadResult[] = [];
  const signRuns: number[] = [];
  const signRouteRuns: LoadResult[] = [];
  try {
    const request = {
      ...(await prepare(server.url)),
      url: server.url,
      connections: plan.connections,
      durationSeconds: plan.durationSeconds,
    };
    const baseline = {
      url: bare.url,
      method: 'GET' as const,
      path: '/json',
      connections: plan.connections,
      durationSeconds: plan.durationSeconds,
    };
    const signRoute = { ...baseline, path: '/sign' };
    if (plan.warmupSeconds > 0) {
      await load({ ...baseline, durationSeconds: plan.warmupSeconds });
      await load({ ...request, durationSeconds: plan.warmupSeconds });
      await load({ ...signRoute, durationSeconds: plan.warmupSeconds });
    }
    options.log(`  measuring ${label}, alternating with bare Fastify GET /json and raw ES256 signs`);
    for (let i = 0; i < plan.runs; i++) {
      const f = await load(baseline);
      const p = await load(request);
      const s = await es256Signs(options.quick ? 0.3 : 2, 1);
      const r = await load(signRoute);
      fastifyRuns.push(f);
      purserRuns.push(p);
      signRuns.push(...s);
      signRouteRuns.push(r);
      options.log(
        `    run ${i + 1}/${plan.runs}: Purser ${Math.round(p.perSecond2xx)}/s p99 ${p.latencyP99} ms (non-2xx ${p.non2xx}, errors ${p.errors}); Fastify ${Math.round(f.perSecond2xx)}/s; ES256 ${Math.round(s[0]!)} signs/s; Fastify signing route ${Math.round(r.perSecond2xx)}/s`,
      );
    }
  } finally {
    await server.stop();
    await bare.stop();
  }
  const measured = median(purserRuns.map((r) => r.perSecond2xx));
  const p99 = median(purserRuns.map((r) => r.latencyP99));
  const failures = purserRuns.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
  const fastify = median(fastifyRuns.map((r) => r.perSecond2xx));
  const signs = median(signRuns);
  const limit = composite(fastify, signs);
  const signRoute = median(signRouteRuns.map((r) => r.perSecond2xx));
  const bySigningRoute = comparison.baseline === 'signing-route';
  const baseline = bySigningRoute ? signRoute : limit;
  const ratio = measured / baseline;
  const { minRatio, maxP99Ms } = comparison;
  const met = ratio >= minRatio && p99 <= maxP99Ms && failures === 0;
  const notes = [
    `${label}, ${plan.connections} connections, median of ${plan.runs} x ${plan.durationSeconds} s; ${placement()}`,
    `composite of bare Fastify ${Math.round(fastify)} req/s and ES256 ${Math.round(signs)} signs/s`,
    `p99 ${p99} ms (bare Fastify p99 ${median(fastifyRuns.map((r) => r.latencyP99))} ms)`,
    `a bare Fastify route that only signs one ES256 token per request: ${Math.round(signRoute)}/s = ${round(signRoute / limit)} of the composite; Purser = ${round(measured / signRoute)} of that route`,
    failures > 0 ? `${failures} non-2xx/errors (counts as missed)` : '',
    met
      ? ''
      : `MISSED: ${[ratio < minRatio ? `ratio ${round(ratio)} < ${minRatio}` : '', p99 > maxP99Ms ? `p99 ${p99} ms > ${maxP99Ms} ms` : '', failures > 0 ? 'failures' : ''].filter(Boolean).join('; ')}`,
  ].filter(Boolean);
  return {
    measured,
    baseline,
    baselineKind: 'measured',
    baselineLabel: bySigningRoute
      ? 'a bare Fastify route that signs one ES256 token per request (GET /sign), req/s'
      : 'composite 1/(1/a+1/b) of bare Fastify req/s (a) and raw node:crypto ES256 signs/s (b)',
    ratio,
    ratioMeaning: 'measured / baseline (higher is better)',
    unit: 'tokens/s',
    target: comparison.target,
    met,
    notes: notes.join('; '),
    details: {
      p99Ms: p99,
      p50Ms: median(purserRuns.map((r) => r.latencyP50)),
      runs: purserRuns.map((r) => Math.round(r.perSecond2xx)),
      failures,
      fastifyPerSecond: fastify,
      fastifyRuns: fastifyRuns.map((r) => Math.round(r.perSecond2xx)),
      fastifyP99Ms: median(fastifyRuns.map((r) => r.latencyP99)),
      es256SignsPerSecond: signs,
      es256SignRuns: signRuns.map((v) => Math.round(v)),
      signingRoutePerSecond: signRoute,
      signingRouteRuns: signRouteRuns.map((r) => Math.round(r.perSecond2xx)),
      signingRouteShareOfComposite: signRoute / limit,
      purserShareOfSigningRoute: measured / signRoute,
    },
  };
}

export function tokenForm(fields: Record<string, string>): string {
  return new URLSearchParams({ service: SERVICE, scope: SCOPE, ...fields }).toString();
}

export const FORM_HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };

export async function expectToken(response: Response, what: string): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${what}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as Record<string, unknown>;
  if (typeof body.token !== 'string') throw new Error(`${what}: no token in ${text.slice(0, 300)}`);
  return body;
}

export { basicAuth };
