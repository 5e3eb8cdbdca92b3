/**
 * `npm run bench [-- --quick] [-- --only NAME[,NAME]]`: runs the benchmark scenarios, prints a
 * table and writes bench/results/latest.json. Every figure is compared with a baseline measured
 * in the same run on the same machine (see docs/performance.md). `--quick` is a smoke check
 * with tiny datasets and durations; its figures mean nothing.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupDatasets } from './lib/dataset.ts';
import { canPin, killAll, placement } from './lib/processes.ts';
import { round } from './lib/stats.ts';
import type { Scenario, ScenarioResult } from './lib/types.ts';
import { auditBytes } from './scenarios/audit-bytes.ts';
import { consoleBundle } from './scenarios/console-bundle.ts';
import { credentialHelper } from './scenarios/credential-helper.ts';
import { credentialHelperCloud } from './scenarios/credential-helper-cloud.ts';
import { discovery } from './scenarios/discovery.ts';
import { ldapLogin } from './scenarios/ldap-login.ts';
import { memory } from './scenarios/memory.ts';
import { passwordGrant } from './scenarios/password-grant.ts';
import { policy } from './scenarios/policy.ts';
import { search } from './scenarios/search.ts';
import { skopeoInspect } from './scenarios/skopeo-inspect.ts';
import { tokensBasic } from './scenarios/tokens-basic.ts';
import { tokensPostgres } from './scenarios/tokens-postgres.ts';
import { tokensRefresh } from './scenarios/tokens-refresh.ts';
import { tokensRepeat } from './scenarios/tokens-repeat.ts';
import { whoCanScenario } from './scenarios/who-can.ts';
import { workers } from './scenarios/workers.ts';

export const SCENARIOS: readonly Scenario[] = [
  tokensRefresh,
  tokensBasic,
  tokensRepeat,
  tokensPostgres,
  auditBytes,
  workers,
  passwordGrant,
  ldapLogin,
  policy,
  whoCanScenario,
  search,
  discovery,
  credentialHelper,
  credentialHelperCloud,
  skopeoInspect,
  memory,
  consoleBundle,
];

export const RESULTS_FILE = fileURLToPath(new URL('./results/latest.json', import.meta.url));

interface Args {
  quick: boolean;
  only: string[] | undefined;
  out: string;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, only: undefined, out: RESULTS_FILE };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) throw new UsageError('--only needs a scenario name');
      args.only = [...(args.only ?? []), ...value.split(',').filter(Boolean)];
    } else if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (!value) throw new UsageError('--out needs a file');
      args.out = path.resolve(value);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(usage());
      process.exit(0);
    } else throw new UsageError(`unknown argument "${arg}"`);
  }
  const unknown = (args.only ?? []).filter((name) => !SCENARIOS.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new UsageError(
      `unknown scenario ${unknown.join(', ')} (known: ${SCENARIOS.map((s) => s.name).join(', ')})`,
    );
  return args;
}

class UsageError extends Error {}

function usage(): string {
  return [
    'Usage: npm run bench -- [--quick] [--only NAME[,NAME...]] [--out FILE]',
    '',
    '  --quick      tiny datasets and 1 s runs: checks that every scenario still works (< 1 min)',
    '  --only NAME  run only these scenarios',
    `  --out FILE   where to write the JSON results (default ${path.relative(process.cwd(), RESULTS_FILE)})`,
    '',
    `Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`bench: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const selected = SCENARIOS.filter((s) => !args.only || args.only.includes(s.name));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(
    `bench: ${selected.length} scenario(s)${args.quick ? ' (--quick: smoke check, figures not meaningful)' : ''}; ${placement()}`,
  );
  const started = Date.now();
  const results: ScenarioResult[] = [];
  for (const scenario of selected) {
    log(`\n[${scenario.name}] ${scenario.title}`);
    const t0 = Date.now();
    const loadBefore = os.loadavg()[0]!;
    try {
      const outcome = await scenario.run({ quick: args.quick, log });
      // Other processes on this shared machine: the 1-minute load average around the scenario.
      const loadAverage = { loadAverageBefore: round(loadBefore), loadAverageAfter: round(os.loadavg()[0]!) };
      results.push({
        name: scenario.name,
        title: scenario.title,
        ...outcome,
        details: { ...outcome.details, ...loadAverage },
        seconds: (Date.now() - t0) / 1000,
      });
      log(
        `  -> ${fmt(outcome.measured)} ${outcome.unit} vs ${fmt(outcome.baseline)} (ratio ${fmt(outcome.ratio)}): ${outcome.met ? 'met' : 'MISSED'}`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`  !! failed: ${message}`);
      results.push({
        name: scenario.name,
        title: scenario.title,
        measured: Number.NaN,
        baseline: Number.NaN,
        baselineKind: 'measured',
        baselineLabel: '',
        ratio: Number.NaN,
        ratioMeaning: '',
        unit: '',
        target: scenario.target,
        met: false,
        notes: `FAILED: ${message.split('\n')[0]}`,
        error: message,
        seconds: (Date.now() - t0) / 1000,
      } as ScenarioResult);
    }
  }
  killAll();
  cleanupDatasets();
  const report = {
    generatedAt: new Date().toISOString(),
    quick: args.quick,
    machine: {
      node: process.version,
      platform: `${os.type()} ${os.release()} ${os.arch()}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 2 ** 30),
      pinned: canPin(),
      placement: placement(),
    },
    durationSeconds: (Date.now() - started) / 1000,
    scenarios: mergeWithPrevious(
      args,
      results.map((r) => ({
        ...r,
        generatedAt: new Date().toISOString(),
        measured: round(r.measured),
        baseline: round(r.baseline),
        ratio: round(r.ratio),
      })),
    ),
  };
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${table(results)}\n`);
  process.stdout.write(
    `\n${results.filter((r) => r.met).length}/${results.length} targets met; results in ${path.relative(process.cwd(), args.out)} (${report.durationSeconds.toFixed(0)} s)\n`,
  );
  return results.some((r) => 'error' in r) ? 1 : 0;
}

/**
 * With `--only`, the other scenarios' results already in the file (from a run of the same kind,
 * full or quick) are kept, each with its own `generatedAt`: a partial run does not wipe the
 * latest full table.
 */
function mergeWithPrevious(args: Args, fresh: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  if (!args.only || !existsSync(args.out)) return [...fresh];
  let previous: { quick?: unknown; scenarios?: unknown };
  try {
    previous = JSON.parse(readFileSync(args.out, 'utf8')) as typeof previous;
  } catch {
    return [...fresh];
  }
  if (previous.quick !== args.quick || !Array.isArray(previous.scenarios)) return [...fresh];
  const byName = new Map<string, Record<string, unknown>>();
  for (const old of previous.scenarios as Record<string, unknown>[]) byName.set(String(old.name), old);
  for (const result of fresh) byName.set(String(result.name), result);
  return SCENARIOS.map((s) => byName.get(s.name)).filter(
    (r): r is Record<string, unknown> => r !== undefined,
  );
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const r = round(value);
  return Math.abs(r) >= 1000 ? r.toLocaleString('en-US') : String(r);
}

/** The Markdown table docs/performance.md shows (also readable on a terminal). */
export function table(results: readonly ScenarioResult[]): string {
  const rows = [
    ['scenario', 'measured', 'same-run baseline', 'ratio', 'target', 'met'],
    ...results.map((r) => [
      r.name,
      `${fmt(r.measured)} ${r.unit}${typeof r.details?.p99Ms === 'number' && !r.unit.includes('p99') ? ` (p99 ${fmt(r.details.p99Ms)} ms)` : ''}${typeof r.details?.resyncSeconds === 'number' ? ` (resync ${fmt(r.details.resyncSeconds)} s)` : ''}`,
      `${fmt(r.baseline)} ${r.baselineUnit ?? r.unit}${r.baselineKind === 'limit' ? ' (limit)' : ''}`,
      fmt(r.ratio),
      r.target,
      r.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: readonly string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    cleanupDatasets();
    process.exit(130);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      killAll();
      cleanupDatasets();
      process.stderr.write(
        `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
