/**
 * Policy decisions/s on one core with 10k users / 1k groups / 1k apps, for requests over 1M
 * repositories (round 1: 100k); baseline: the same with 1k repositories. Target: >= 1M/s, and
 * the cost per decision grows at most 1.2x from 1k to 1M repositories.
 */
import { fileURLToPath } from 'node:url';
import { orgSpec } from '../lib/plan.ts';
import { canPin, runJsonChild, SERVER_CORE } from '../lib/processes.ts';
import { median, round } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const WORKER = fileURLToPath(new URL('../lib/policy-worker.ts', import.meta.url));
const TARGET = '>= 1M decisions/s; cost growth 1k -> 1M repos <= 1.2x';
const MIN_RATE = 1_000_000;
const MAX_GROWTH = 1.2;

export const policy: Scenario = {
  name: 'policy',
  title: 'policy decisions, 10k users / 1k groups / 1k apps / 1M repositories',
  target: TARGET,
  async run(options) {
    const org = orgSpec(options.quick);
    const small = 1_000;
    const large = options.quick ? 10_000 : 1_000_000;
    const runs = options.quick ? 1 : 5;
    options.log(
      `  ${org.users} users, ${org.groups} groups, ${org.apps} apps; ${small} vs ${large} repositories, ${runs} alternating runs`,
    );
    const result = await runJsonChild<{ perSecond: Record<string, number[]> }>(
      WORKER,
      {
        org: { users: org.users, groups: org.groups, apps: org.apps },
        sizes: [small, large],
        seconds: options.quick ? 0.3 : 2,
        runs,
      },
      { core: SERVER_CORE, timeoutMs: 300_000 },
    );
    const baseline = median(result.perSecond[small]!);
    const measured = median(result.perSecond[large]!);
    const growth = baseline / measured;
    const met = measured >= MIN_RATE && growth <= MAX_GROWTH;
    return {
      measured,
      baseline,
      baselineKind: 'measured',
      baselineLabel: `the same decisions with ${small} repositories`,
      ratio: growth,
      ratioMeaning: 'cost growth: (1/measured) / (1/baseline) = baseline / measured (lower is better)',
      unit: 'decisions/s',
      target: TARGET,
      met,
      notes: [
        `AccessController.authorize, one resource per call, users + 100 services + 100 robots at random; ${canPin() ? `one core (pinned to core ${SERVER_CORE})` : 'unpinned'}`,
        `${large} repositories: ${round(measured)}/s, ${small}: ${round(baseline)}/s`,
        met
          ? ''
          : `MISSED: ${[measured < MIN_RATE ? `${round(measured)}/s < 1M/s` : '', growth > MAX_GROWTH ? `growth ${round(growth)}x > ${MAX_GROWTH}x` : ''].filter(Boolean).join('; ')}`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        repositories: large,
        baselineRepositories: small,
        runs: result.perSecond[large]!.map(round),
        baselineRuns: result.perSecond[small]!.map(round),
      },
    };
  },
};
