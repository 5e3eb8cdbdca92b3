/**
 * Profiles `GET /token` on its own (no baselines): starts the compiled Purser over the
 * organisation dataset with `--cpu-prof`, puts the load of tokens-repeat (`repeat`, one scope)
 * or tokens-basic (`basic`, a distinct scope per request) on it for N seconds, stops it and
 * prints the load figures and where the profile is (summarise it with bench/profile-summary.ts).
 * Quicker than a whole scenario when looking for where the time goes; the figures are not a
 * benchmark (no same-run baseline).
 * Usage: npx tsx bench/profile-token.ts repeat|basic [SECONDS] [PROFILE_DIR] [BUILD_DIR]
 *   BUILD_DIR: another build to profile (bin/ and dist/, as bench/ab-token.ts takes).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { basicAuth, startBenchServer } from './lib/dataset.ts';
import { SERVICE } from './lib/fixture-model.ts';
import { load } from './lib/http-load.ts';
import { orgSpec } from './lib/plan.ts';
import { DISTINCT_SCOPE, SCOPE } from './lib/token-scenario.ts';

const [kind = 'repeat', secondsArg = '10', dirArg = '/tmp/purser-token-profile', rootArg] =
  process.argv.slice(2);
if (kind !== 'repeat' && kind !== 'basic') {
  process.stderr.write('usage: npx tsx bench/profile-token.ts repeat|basic [SECONDS] [PROFILE_DIR]\n');
  process.exit(2);
}
const dir = path.resolve(dirArg);
mkdirSync(dir, { recursive: true });
const before = new Set(readdirSync(dir));
process.env.BENCH_CPU_PROF = dir;
const log = (line: string) => process.stderr.write(`${line}\n`);
const server = await startBenchServer(
  orgSpec(false),
  log,
  {},
  rootArg ? { root: path.resolve(rootArg) } : {},
);
const scope = kind === 'repeat' ? SCOPE : DISTINCT_SCOPE;
const spec = {
  url: server.url,
  method: 'GET' as const,
  path: `/token?service=${encodeURIComponent(SERVICE)}&scope=${scope}`,
  headers: { authorization: basicAuth('u1') },
  connections: 50,
};
try {
  await load({ ...spec, durationSeconds: 3 });
  const result = await load({ ...spec, durationSeconds: Number(secondsArg) });
  process.stdout.write(
    `${kind}: ${Math.round(result.perSecond2xx)} tokens/s, p50 ${result.latencyP50} ms, p99 ${result.latencyP99} ms, non-2xx ${result.non2xx}, errors ${result.errors}\n`,
  );
} finally {
  await server.stop();
}
const written = readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
for (const file of written) process.stdout.write(`profile: ${path.join(dir, file)}\n`);
