/**
 * Policy decisions/s on one core with 10k users / 1k groups / 1k apps, for requests over 100k
 * repositories; baseline: the same with 1k repositories. Target: >= 500k/s, and the cost per
 * decision grows at most 1.3x from 1k to 100k repositories.
 */
import { fileURLToPath } from 'node:url';
import { orgSpec } from '../lib/plan.ts';
import { canPin, runJsonChild, SERVER_CORE } from '../lib/processes.ts';
import { median, round } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const WORKER = fileURLToPath(new URL('../lib/policy-worker.ts', import.meta.url));
const TARGET = '>= 500k decisions/s; cost growth 1k -> 100k repos <= 1.3x';

export const policy: Scenario = {
  name: 'policy',
  title: 'policy decisions, 10k users / 1k groups / 1k apps / 100k repositories',
  target: TARGET,
  async run(options) {
    const org = orgSpec(options.quick);
    const small = 1_000;
    const large = options.quick ? 10_000 : 100_000;
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
    const met = measured >= 500_000 && growth <= 1.3;
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
          : `MISSED: ${measured < 500_000 ? `${round(measured)}/s < 500k/s` : ''}${measured < 500_000 && growth > 1.3 ? '; ' : ''}${growth > 1.3 ? `growth ${round(growth)}x > 1.3x` : ''}`,
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
