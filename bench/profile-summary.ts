/**
 * Summarises a V8 .cpuprofile (from `BENCH_CPU_PROF=DIR npm run bench -- --only NAME`): the
 * functions with the most self time, and the time per source file/package.
 * Usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP] [--from SECONDS] [--busy]
 *   --from S  skips the first S seconds of the profile (the start-up before the load);
 *   --busy    gives percentages of the time not idle (what a request costs, not the wait for one).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const fromAt = args.indexOf('--from');
const fromUs = fromAt >= 0 ? Number(args.splice(fromAt, 2)[1]) * 1e6 : 0;
const busyAt = args.indexOf('--busy');
const busyOnly = busyAt >= 0;
if (busyOnly) args.splice(busyAt, 1);
const [file, topArg] = args;
if (!file || !Number.isFinite(fromUs)) {
  process.stderr.write(
    'usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [TOP] [--from SECONDS] [--busy]\n',
  );
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
let elapsed = 0;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  elapsed += delta;
  if (elapsed < fromUs) return;
  if (busyOnly && byId.get(id)?.callFrame.functionName === '(idle)') return;
  self.set(id, (self.get(id) ?? 0) + delta);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
}

const functions = new Map<string, number>();
const files = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id)!;
  const label = `${node.callFrame.functionName || '(anonymous)'}  ${where(node.callFrame.url)}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
  functions.set(label, (functions.get(label) ?? 0) + us);
  const group = where(node.callFrame.url);
  files.set(group, (files.get(group) ?? 0) + us);
}
const top = Number(topArg ?? 25);
const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)} %`;
process.stdout.write(
  `total sampled: ${(total / 1e6).toFixed(2)} s${fromUs > 0 ? ` from ${fromUs / 1e6} s` : ''}${busyOnly ? ' (not idle)' : ''}\n\nself time by function:\n`,
);
for (const [label, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top))
  process.stdout.write(`${pct(us)}  ${label}\n`);
process.stdout.write('\nself time by file / package:\n');
for (const [label, us] of [...files].sort((a, b) => b[1] - a[1]).slice(0, top))
  process.stdout.write(`${pct(us)}  ${label}\n`);
