/**
 * Database bytes per issued token under `tokens-repeat` (a pull storm: identical GET /token
 * requests with cached Basic credentials, 50 connections), where repeated grants are stored as
 * compact rows. Method: start Purser on a copy of the dataset, ask one token, stop it (a clean
 * stop stores every audit entry, checkpoints the WAL and deletes the journal segment), and
 * measure the store's files (purser.db and any -wal) plus the audit journal; start it again on
 * the same data directory, run the load, read the live journal segment (its bytes per line are
 * the transient journal cost of a token), stop it cleanly and measure again. Growth / tokens
 * answered = bytes per token. No same-run baseline: the 64 B limit stands in.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startBenchServer } from '../lib/dataset.ts';
import { SERVICE } from '../lib/fixture-model.ts';
import { load } from '../lib/http-load.ts';
import { httpPlan, orgSpec } from '../lib/plan.ts';
import { REPO_ROOT, SERVER_CORE, startServerChild } from '../lib/processes.ts';
import { round } from '../lib/stats.ts';
import { basicAuth, expectToken, SCOPE } from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

const LIMIT = 64;
const TARGET = `<= ${LIMIT} B of database per token (tokens-repeat, compact grants)`;
const JOURNAL = path.join('audit', 'journal');

function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir).map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}

/** Bytes of the store (purser.db, purser.db-wal) and of the audit journal segments. */
function footprint(dataDir: string): { store: number; journal: number } {
  const size = (files: string[]) => files.reduce((sum, file) => sum + statSync(file).size, 0);
  const store = filesUnder(dataDir).filter((file) => /^purser\.db(-wal)?$/.test(path.basename(file)));
  return { store: size(store), journal: size(filesUnder(path.join(dataDir, JOURNAL))) };
}

/** Average bytes per journal line over the live segments (one line per audit entry). */
function journalBytesPerLine(dataDir: string): number {
  let bytes = 0;
  let lines = 0;
  for (const file of filesUnder(path.join(dataDir, JOURNAL))) {
    const text = readFileSync(file, 'utf8');
    bytes += Buffer.byteLength(text);
    lines += text.split('\n').filter(Boolean).length;
  }
  return lines === 0 ? Number.NaN : bytes / lines;
}

export const auditBytes: Scenario = {
  name: 'audit-bytes',
  title: 'database bytes per issued token under tokens-repeat (compact grants)',
  target: TARGET,
  async run(options) {
    const plan = httpPlan(options.quick);
    const first = await startBenchServer(orgSpec(options.quick), options.log);
    const tokenPath = `/token?${new URLSearchParams({ service: SERVICE, scope: SCOPE }).toString()}`;
    const headers = { authorization: basicAuth('u1') };
    try {
      await expectToken(await fetch(`${first.url}${tokenPath}`, { headers }), 'GET /token with Basic');
    } finally {
      await first.stop();
    }
    const before = footprint(first.dataDir);
    const server = await startServerChild(
      path.join(REPO_ROOT, 'bin', 'purser.js'),
      ['serve', '--config', first.configFile],
      {
        core: SERVER_CORE,
        typescript: false,
        ready: /purser listening on (\S+)/,
        env: { PURSER_CONFIG: undefined, PURSER_DATA: undefined, PURSER_URL: undefined },
      },
    );
    let tokens = 0;
    let failures = 0;
    let perLine = Number.NaN;
    const seconds = plan.durationSeconds * plan.runs;
    try {
      options.log(`  ${seconds} s of identical GET /token requests, ${plan.connections} connections`);
      const result = await load({
        url: server.url,
        method: 'GET',
        path: tokenPath,
        headers,
        connections: plan.connections,
        durationSeconds: seconds,
      });
      tokens = result.total2xx;
      failures = result.non2xx + result.errors + result.timeouts;
      perLine = journalBytesPerLine(first.dataDir);
    } finally {
      await server.stop();
    }
    const after = footprint(first.dataDir);
    if (tokens === 0) throw new Error('no token was issued');
    const growth = after.store + after.journal - (before.store + before.journal);
    const measured = growth / tokens;
    const met = measured <= LIMIT && failures === 0;
    options.log(
      `    ${tokens} tokens: store ${before.store} -> ${after.store} B, journal ${before.journal} -> ${after.journal} B; journal ${round(perLine)} B/line while running`,
    );
    return {
      measured,
      baseline: LIMIT,
      baselineKind: 'limit',
      baselineLabel: 'no same-run baseline; the 64 B limit',
      ratio: measured / LIMIT,
      ratioMeaning: 'bytes per token / 64 B limit (<= 1 meets)',
      unit: 'B/token',
      target: TARGET,
      met,
      notes: [
        `${tokens} tokens in ${seconds} s of tokens-repeat (GET /token, Basic u1, ${SCOPE}, ${plan.connections} connections)`,
        'growth of purser.db + purser.db-wal + audit/journal between two clean stops (a clean stop stores every entry, checkpoints the WAL and deletes its journal segment), divided by the tokens answered; SQLite grows by whole pages',
        `the journal itself holds ${round(perLine)} B per entry while the server runs (transient: a segment is deleted once stored)`,
        'the background prune (first run 1 min after start) did not run; compaction here is the one within each written batch',
        failures > 0 ? `${failures} non-2xx/errors (counts as missed)` : '',
        met ? '' : `MISSED: ${round(measured)} B/token > ${LIMIT} B`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        tokens,
        failures,
        storeBytesBefore: before.store,
        storeBytesAfter: after.store,
        journalBytesBefore: before.journal,
        journalBytesAfter: after.journal,
        journalBytesPerEntryWhileRunning: Number.isFinite(perLine) ? round(perLine) : 'n/a',
      },
    };
  },
};
