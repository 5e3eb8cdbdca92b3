/**
 * Server RSS with 100k repositories in the catalog index and 10k users loaded: start Purser
 * over that dataset, load the search index and the access model (searches and tokens as several
 * users), let it settle, read VmRSS from /proc. No same-run baseline; the 250 MB limit stands
 * in for it.
 */
import { basicAuth, startBenchServer } from '../lib/dataset.ts';
import { SERVICE } from '../lib/fixture-model.ts';
import { orgSpec } from '../lib/plan.ts';
import { rssBytes, sleep } from '../lib/processes.ts';
import { round } from '../lib/stats.ts';
import { SCOPE } from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

const TARGET = 'RSS <= 250 MB';
const LIMIT_MB = 250;
const MB = 1024 * 1024;

export const memory: Scenario = {
  name: 'memory',
  title: 'memory with 100k repositories and 10k users loaded',
  target: TARGET,
  async run(options) {
    const spec = orgSpec(options.quick, 100_000);
    const server = await startBenchServer(spec, options.log);
    let atStart: number;
    let loaded: number;
    let peak = 0;
    try {
      atStart = await rssBytes(server.pid);
      const users = Array.from({ length: options.quick ? 5 : 20 }, (_, i) => `u${i * 13 + 1}`);
      for (const user of users) {
        const headers = { authorization: basicAuth(user) };
        const searched = await fetch(
          `${server.url}/v1/search?${new URLSearchParams({ q: 'svc', n: '25', service: SERVICE })}`,
          { headers },
        );
        await searched.arrayBuffer();
        if (searched.status !== 200) throw new Error(`search as ${user}: HTTP ${searched.status}`);
        const token = await fetch(
          `${server.url}/token?${new URLSearchParams({ service: SERVICE, scope: SCOPE })}`,
          { headers },
        );
        await token.arrayBuffer();
        if (token.status !== 200) throw new Error(`token as ${user}: HTTP ${token.status}`);
        peak = Math.max(peak, await rssBytes(server.pid));
      }
      await sleep(options.quick ? 200 : 2_000);
      loaded = await rssBytes(server.pid);
      peak = Math.max(peak, loaded);
    } finally {
      await server.stop();
    }
    // For context: the same server over an empty store (what the runtime, tsx and Purser's code cost).
    const empty = await startBenchServer({ users: 0, groups: 0, apps: 0, repositories: 0 }, options.log);
    let emptyRss: number;
    try {
      const ping = await fetch(`${empty.url}/healthz`);
      await ping.arrayBuffer();
      await sleep(options.quick ? 200 : 2_000);
      emptyRss = await rssBytes(empty.pid);
    } finally {
      await empty.stop();
    }
    const measured = loaded / MB;
    if (!Number.isFinite(measured)) throw new Error('cannot read the server RSS (/proc/PID/status)');
    return {
      measured,
      baseline: LIMIT_MB,
      baselineKind: 'limit',
      baselineLabel: 'no same-run baseline; the 250 MB limit',
      ratio: measured / LIMIT_MB,
      ratioMeaning: 'measured / limit (<= 1 meets the target)',
      unit: 'MB RSS',
      baselineUnit: 'MB',
      target: TARGET,
      met: measured <= LIMIT_MB,
      notes: [
        `${spec.repositories} repositories, ${spec.users} users, ${spec.groups} groups, ${spec.apps} apps; RSS after searches and tokens as several users`,
        `${round(atStart / MB)} MB right after start, peak ${round(peak / MB)} MB; the same server over an empty store: ${round(emptyRss / MB)} MB (runs from sources under tsx, whose loader thread adds to RSS)`,
        measured <= LIMIT_MB ? '' : `MISSED: ${round(measured)} MB > 250 MB`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        rssAtStartMB: round(atStart / MB),
        rssPeakMB: round(peak / MB),
        emptyServerRssMB: round(emptyRss / MB),
        repositories: spec.repositories,
        users: spec.users,
      },
    };
  },
};
