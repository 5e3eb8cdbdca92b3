/**
 * The server's RSS over its start-up with the memory scenario's dataset (1M repositories,
 * 10k users): samples VmRSS every 250 ms from spawn until the first search is answered, then
 * for a few seconds more, and prints the timeline (where the start-up peak comes from).
 * Usage: npx tsx bench/rss-timeline.ts [REPOSITORIES] [BUILD_DIR]
 *   BUILD_DIR: another build to start instead (bin/ and dist/, as bench/ab-token.ts takes).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { basicAuth, startBenchServer } from './lib/dataset.ts';
import { SERVICE } from './lib/fixture-model.ts';
import { orgSpec } from './lib/plan.ts';
import { sleep } from './lib/processes.ts';

const repositories = Number(process.argv[2] ?? 1_000_000);
const root = process.argv[3] ? path.resolve(process.argv[3]) : undefined;
const started = Date.now();
const samples: string[] = [];
let serverPid: number | undefined;
/** The newest `purser serve` child of this process tree (found by its command line). */
function findServer(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      if (cmd.includes('purser-bench.yaml') && cmd.includes('serve') && ppid === process.pid)
        return Number(entry);
      if (
        cmd.includes('purser-bench.yaml') &&
        cmd.includes('serve') &&
        readFileSync(`/proc/${ppid}/status`, 'utf8').includes(`PPid:\t${process.pid}`)
      )
        return Number(entry);
    } catch {
      // gone
    }
  }
  return undefined;
}
const timer = setInterval(() => {
  serverPid ??= findServer();
  if (serverPid === undefined) return;
  try {
    const status = readFileSync(`/proc/${serverPid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
    samples.push(`${((Date.now() - started) / 1000).toFixed(2)} s  ${rss.toFixed(0)} MB`);
  } catch {
    // not yet / gone
  }
}, 250);
const server = await startBenchServer(
  orgSpec(false, repositories),
  (line) => process.stderr.write(`${line}\n`),
  {},
  root ? { root } : {},
);
samples.push(`--- listening at ${((Date.now() - started) / 1000).toFixed(2)} s`);
const first = await fetch(
  `${server.url}/v1/search?${new URLSearchParams({ q: 'svc', n: '1', service: SERVICE })}`,
  {
    headers: { authorization: basicAuth('u1') },
  },
);
await first.arrayBuffer();
samples.push(
  `--- first search answered (HTTP ${first.status}) at ${((Date.now() - started) / 1000).toFixed(2)} s`,
);
await sleep(4_000);
clearInterval(timer);
await server.stop();
process.stdout.write(`${samples.join('\n')}\n`);
