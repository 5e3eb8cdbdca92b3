/**
 * Server RSS with 1M repositories in the catalog index and 10k users loaded: start Purser over
 * that dataset, load the search index and the access model (searches and tokens as several
 * users), let it settle, read VmRSS from /proc. Also the start-up: from the spawn to the first
 * search answered over the whole index (the index loads at start). No same-run baseline; the
 * 400 MB and 10 s limits stand in for it.
 */
import { basicAuth, startBenchServer } from '../lib/dataset.ts';
import { SERVICE } from '../lib/fixture-model.ts';
import { orgSpec } from '../lib/plan.ts';
import { rssBytes, sleep } from '../lib/processes.ts';
import { round } from '../lib/stats.ts';
import { SCOPE } from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

const TARGET = 'RSS <= 400 MB; start-up to ready <= 10 s';
const LIMIT_MB = 400;
const STARTUP_LIMIT_MS = 10_000;
const REPOSITORIES = 1_000_000;
const MB = 1024 * 1024;

export const memory: Scenario = {
  name: 'memory',
  title: 'memory and start-up with 1M repositories and 10k users loaded',
  target: TARGET,
  async run(options) {
    const spec = orgSpec(options.quick, REPOSITORIES);
    const server = await startBenchServer(spec, options.log);
    let atStart: number;
    let loaded: number;
    let peak = 0;
    let readyMs: number;
    try {
      atStart = await rssBytes(server.pid);
      // Ready = the first search over the whole index answered (it waits for the load).
      const first = await fetch(
        `${server.url}/v1/search?${new URLSearchParams({ q: 'svc', n: '1', service: SERVICE })}`,
        {
          headers: { authorization: basicAuth('u1') },
        },
      );
      await first.arrayBuffer();
      if (first.status !== 200) throw new Error(`first search: HTTP ${first.status}`);
      readyMs = server.startupMs + (Date.now() - server.readyAt);
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
    const met = measured <= LIMIT_MB && readyMs <= STARTUP_LIMIT_MS;
    return {
      measured,
      baseline: LIMIT_MB,
      baselineKind: 'limit',
      baselineLabel: 'no same-run baseline; the 400 MB limit',
      ratio: measured / LIMIT_MB,
      ratioMeaning: 'measured / limit (<= 1 meets the target)',
      unit: 'MB RSS',
      baselineUnit: 'MB',
      target: TARGET,
      met,
      notes: [
        `${spec.repositories} repositories, ${spec.users} users, ${spec.groups} groups, ${spec.apps} apps; RSS after searches and tokens as several users`,
        `${round(atStart / MB)} MB right after start, peak ${round(peak / MB)} MB; the same server over an empty store: ${round(emptyRss / MB)} MB (runs from sources under tsx, whose loader thread adds to RSS)`,
        `start-up to ready (spawn to the first search over the loaded index) ${round(readyMs / 1000)} s, of which listening after ${round(server.startupMs / 1000)} s`,
        measured <= LIMIT_MB ? '' : `MISSED: ${round(measured)} MB > ${LIMIT_MB} MB`,
        readyMs <= STARTUP_LIMIT_MS ? '' : `MISSED: start-up ${round(readyMs / 1000)} s > 10 s`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        rssAtStartMB: round(atStart / MB),
        rssPeakMB: round(peak / MB),
        startupToReadyMs: readyMs,
        startupToListeningMs: server.startupMs,
        emptyServerRssMB: round(emptyRss / MB),
        repositories: spec.repositories,
        users: spec.users,
      },
    };
  },
};
