/**
 * Policy micro-benchmark worker (pinned to the server core): builds the AccessModel of the
 * organisation (users, groups, apps, 100 services, 100 robots, one registry) and times
 * AccessController.authorize — the call /token makes — over requests whose repository names
 * are drawn from catalogs of different sizes. Runs alternate between sizes to cancel drift.
 * Input (argv[2]): {org, sizes, seconds, runs}. Output: {perSecond: {[size]: number[]}}.
 */
import type { ResourceActions } from '../../src/domain/access.ts';
import type { Principal } from '../../src/domain/model.ts';
import { AccessController, AccessModel } from '../../src/policy/index.ts';
import {
  benchApps,
  benchGroups,
  benchRegistry,
  benchRobots,
  benchServices,
  benchUsers,
  type OrgSize,
  repositoryName,
} from './fixture-model.ts';

interface Input {
  org: OrgSize;
  sizes: number[];
  seconds: number;
  runs: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const users = benchUsers(input.org);
const services = benchServices(input.org, 100);
const robots = benchRobots(100);
const registry = benchRegistry(input.org, 'http://127.0.0.1:9');
const model = new AccessModel({
  users,
  groups: benchGroups(input.org),
  apps: benchApps(input.org),
  services,
  robots,
  registries: [registry],
});
const controller = new AccessController(model);
const principals: Principal[] = [
  ...users.map((user) => ({ kind: 'user' as const, user })),
  ...services.map((service) => ({ kind: 'service' as const, service })),
  ...robots.map((robot) => ({ kind: 'robot' as const, robot })),
];

/** Deterministic pseudo-random sequence (xorshift32). */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

interface Workload {
  principals: Principal[];
  resources: ResourceActions[][];
}

function workload(size: number): Workload {
  const length = Math.max(200_000, size * 2);
  const next = random(size);
  const names = Array.from({ length: size }, (_, i) => repositoryName(i, input.org));
  const out: Workload = { principals: new Array(length), resources: new Array(length) };
  for (let i = 0; i < length; i++) {
    out.principals[i] = principals[Math.floor(next() * principals.length)]!;
    // A fresh copy of the name per request, as /token parses one from every query string: the
    // catalog's size must not be confounded with whether the harness's own strings are cached.
    const name = Buffer.from(names[Math.floor(next() * size)]!).toString('latin1');
    out.resources[i] = [{ type: 'repository', name, actions: next() < 0.5 ? ['pull'] : ['pull', 'push'] }];
  }
  return out;
}

let sink = 0;
function measure(w: Workload, seconds: number): number {
  const now = Date.now();
  const n = w.principals.length;
  let i = 0;
  let count = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  while (true) {
    for (let k = 0; k < 2000; k++) {
      const granted = controller.authorize(w.principals[i]!, registry, w.resources[i]!, undefined, now);
      sink += granted[0]!.actions.length;
      i = i + 1 === n ? 0 : i + 1;
    }
    count += 2000;
    const t = performance.now();
    if (t >= deadline) return count / ((t - started) / 1000);
  }
}

const workloads = new Map(input.sizes.map((size) => [size, workload(size)]));
for (const [, w] of workloads) measure(w, Math.min(0.5, input.seconds)); // warm-up (JIT)
const perSecond: Record<number, number[]> = Object.fromEntries(input.sizes.map((s) => [s, [] as number[]]));
for (let run = 0; run < input.runs; run++) {
  for (const [size, w] of workloads) perSecond[size]!.push(measure(w, input.seconds));
}
if (sink === 0) throw new Error('no decision allowed anything: the workload is wrong');
process.stdout.write(`${JSON.stringify({ perSecond, allowedActions: sink })}\n`);
