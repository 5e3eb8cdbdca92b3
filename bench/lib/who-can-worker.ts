/**
 * Access review worker (pinned to the server core): the organisation's AccessModel with 100
 * custom rules, then (1) 10,000 single decisions (AccessController.authorize, the /token
 * call) as the same-run baseline, (2) who-can for one literal scope and one prefix scope,
 * (3) the full report matrix of the registry. Input (argv[2]): {org, runs}. Output: times in ms.
 */
import type { Principal } from '../../src/domain/model.ts';
import {
  AccessController,
  AccessModel,
  accessMatrix,
  parseScopePattern,
  whoCan,
} from '../../src/policy/index.ts';
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
import { benchRules } from './who-can-rules.ts';

interface Input {
  org: OrgSize;
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
  rules: benchRules(input.org),
});
const controller = new AccessController(model);
const principals: Principal[] = [
  ...users.map((user) => ({ kind: 'user' as const, user })),
  ...services.map((service) => ({ kind: 'service' as const, service })),
  ...robots.map((robot) => ({ kind: 'robot' as const, robot })),
];

const time = (fn: () => unknown): number => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const now = Date.now();
const decisions = () => {
  for (let i = 0; i < 10_000; i++) {
    const principal = principals[(i * 7919) % principals.length]!;
    controller.authorize(
      principal,
      registry,
      [{ type: 'repository', name: repositoryName(i, input.org), actions: ['pull', 'push'] }],
      undefined,
      now,
    );
  }
};
const literal = parseScopePattern('repository:apps/a1/img-2:push');
const prefix = parseScopePattern('repository:team7/*:push');
const result = {
  decisions: [] as number[],
  literal: [] as number[],
  prefix: [] as number[],
  report: [] as number[],
  rows: 0,
  listed: 0,
};
decisions(); // warm-up
for (let run = 0; run < input.runs; run++) {
  result.decisions.push(time(decisions));
  result.literal.push(time(() => whoCan(model, registry, literal, { now })));
  result.prefix.push(
    time(() => {
      result.listed = whoCan(model, registry, prefix, { now }).length;
    }),
  );
}
const reportRuns = Math.max(1, Math.min(input.runs, 2));
for (let run = 0; run < reportRuns; run++) {
  result.report.push(
    time(() => {
      result.rows = accessMatrix(model, registry, { now }).length;
    }),
  );
}
process.stdout.write(`${JSON.stringify(result)}\n`);
