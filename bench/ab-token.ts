/**
 * Before/after in the same run: two builds of Purser (BEFORE: a directory holding another
 * build's bin/ and dist/, with node_modules beside them; AFTER: this tree's build) serve the same
 * `GET /token` load, run after run, alternating, so a burst of noise from the shared machine hits
 * both alike. `repeat` is the load of tokens-repeat (one scope), `basic` that of tokens-basic (a
 * distinct scope per request). Prints each run and the medians, and the after/before ratio; also
 * the server's CPU time per token (utime + stime from /proc/PID/stat over the run), which the
 * other processes on a shared machine disturb far less than the throughput.
 * Usage: npx tsx bench/ab-token.ts BEFORE_DIR repeat|basic [RUNS] [SECONDS]
 *   e.g. mkdir /tmp/before && git archive main bin package.json | tar -x -C /tmp/before,
 *        a build of main's dist/ copied there, and node_modules linked.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { basicAuth, startBenchServer } from './lib/dataset.ts';
import { SERVICE } from './lib/fixture-model.ts';
import { type LoadResult, load } from './lib/http-load.ts';
import { orgSpec } from './lib/plan.ts';
import { median, round } from './lib/stats.ts';
import { DISTINCT_SCOPE, SCOPE } from './lib/token-scenario.ts';

const [beforeDir, kind = 'repeat', runsArg = '5', secondsArg = '8'] = process.argv.slice(2);
if (!beforeDir || (kind !== 'repeat' && kind !== 'basic')) {
  process.stderr.write('usage: npx tsx bench/ab-token.ts BEFORE_DIR repeat|basic [RUNS] [SECONDS]\n');
  process.exit(2);
}
const log = (line: string) => process.stderr.write(`${line}\n`);
const spec = orgSpec(false);
const before = await startBenchServer(spec, log, {}, { root: path.resolve(beforeDir) });
const after = await startBenchServer(spec, log).catch(async (error: unknown) => {
  await before.stop();
  throw error;
});
const scope = kind === 'repeat' ? SCOPE : DISTINCT_SCOPE;
const request = (url: string, counterStart: number) => ({
  url,
  method: 'GET' as const,
  path: `/token?service=${encodeURIComponent(SERVICE)}&scope=${scope}`,
  headers: { authorization: basicAuth('u1') },
  connections: 50,
  durationSeconds: Number(secondsArg),
  counterStart,
});
const runs = { before: [] as LoadResult[], after: [] as LoadResult[] };
const cpu = { before: [] as number[], after: [] as number[] };
/** CPU seconds (user + system) the process has used. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
try {
  await load({ ...request(before.url, 0), durationSeconds: 3 });
  await load({ ...request(after.url, 0), durationSeconds: 3 });
  for (let i = 0; i < Number(runsArg); i++) {
    // Alternate which goes first, so neither always follows the other's load.
    const order = i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const which of order) {
      const server = which === 'before' ? before : after;
      const used = cpuSeconds(server.pid);
      const result = await load(request(server.url, (i + 1) * 10_000_000));
      const perToken = ((cpuSeconds(server.pid) - used) * 1e6) / Math.max(1, result.total2xx);
      runs[which].push(result);
      cpu[which].push(perToken);
      log(
        `  run ${i + 1} ${which}: ${Math.round(result.perSecond2xx)}/s p99 ${result.latencyP99} ms, ${Math.round(perToken)} µs CPU per token (non-2xx ${result.non2xx}, errors ${result.errors})`,
      );
    }
  }
} finally {
  await before.stop();
  await after.stop();
}
const b = median(runs.before.map((r) => r.perSecond2xx));
const a = median(runs.after.map((r) => r.perSecond2xx));
const cb = median(cpu.before);
const ca = median(cpu.after);
process.stdout.write(
  `${kind}: CPU per token before ${Math.round(cb)} µs, after ${Math.round(ca)} µs (after/before ${round(ca / cb)})\n`,
);
process.stdout.write(
  `${kind}: before ${Math.round(b)}/s (p99 ${median(runs.before.map((r) => r.latencyP99))} ms), after ${Math.round(a)}/s (p99 ${median(runs.after.map((r) => r.latencyP99))} ms): after/before ${round(a / b)}\n`,
);
