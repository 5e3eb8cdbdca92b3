#!/usr/bin/env node
// Typechecks, then runs every src/**/*.test.ts and test/**/*.test.ts with node's test runner.
// Usage: node scripts/run-tests.mjs [SUBSTRING...]   (only files whose path contains a substring)
//        SKIP_TYPECHECK=1 skips the tsc step (local iteration only; CI always typechecks).
// A full run also measures line coverage of src/ (V8 coverage through NODE_V8_COVERAGE, which
// the processes the tests start inherit; reported by c8 with .c8rc.json) and fails below the
// threshold there. COVERAGE=0 skips it; COVERAGE=1 reports it for a partial run too (no gate).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

function findTests(dir) {
  const found = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(path));
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) found.push(relative(root, path));
  }
  return found;
}

const files = [...findTests(join(root, 'src')), ...findTests(join(root, 'test'))]
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`run-tests: no test files${filters.length ? ` match ${filters.join(', ')}` : ''}`);
  process.exit(1);
}

if (!process.env.SKIP_TYPECHECK || process.env.CI) {
  const started = Date.now();
  console.log('run-tests: tsc --noEmit -p tsconfig.json, then the console (web/tsconfig.json)');
  const tscRun = (args) =>
    spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], {
      cwd: root,
      stdio: 'inherit',
    });
  // The console is checked against the server's reply types (declarations in web/.server-types).
  let tsc = tscRun(['--noEmit', '-p', 'tsconfig.json']);
  if (tsc.status === 0) tsc = tscRun(['-p', 'tsconfig.api-types.json']);
  if (tsc.status === 0) tsc = tscRun(['-p', 'web/tsconfig.json']);
  if (tsc.status !== 0) {
    console.error(`run-tests: typecheck failed (exit ${tsc.status ?? tsc.signal}); not running tests`);
    process.exit(tsc.status || 1);
  }
  console.log(`run-tests: typecheck ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log('run-tests: biome check (lint and format)');
  const biome = spawnSync(
    join(root, 'node_modules/.bin/biome'),
    ['check', 'src', 'test', 'scripts', 'bench', 'web'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (biome.status !== 0) {
    console.error('run-tests: biome check failed; run `npx biome check --write src test scripts bench web`');
    process.exit(biome.status || 1);
  }
}

// The installed commands (bin/purser.js, bin/docker-credential-purser) and the benchmarks run
// dist/: rebuild it, so tests of those never exercise an older build than the sources.
{
  const started = Date.now();
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) {
    console.error(
      `run-tests: npm run build failed (exit ${build.status ?? build.signal}); not running tests`,
    );
    process.exit(build.status || 1);
  }
  console.log(`run-tests: dist/ rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const coverage = process.env.COVERAGE === '1' || (process.env.COVERAGE !== '0' && filters.length === 0);
const coverageDir = coverage ? mkdtempSync(join(tmpdir(), 'purser-coverage-')) : undefined;

console.log(`run-tests: ${files.length} test file(s)${coverage ? ', measuring coverage of src/' : ''}`);
// spec for people; a TAP copy on the side so the summary ends with node's own `# pass N` / `# fail N`.
const tapDir = mkdtempSync(join(tmpdir(), 'purser-run-tests-'));
const tapFile = join(tapDir, 'results.tap');
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    '--test-timeout=300000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: coverageDir ? { ...process.env, NODE_V8_COVERAGE: coverageDir } : process.env,
  },
);
let summary = '';
try {
  summary = readFileSync(tapFile, 'utf8')
    .split('\n')
    .filter((line) => /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(line))
    .join('\n');
} catch {
  // no TAP output: the runner did not start
}
rmSync(tapDir, { recursive: true, force: true });
if (summary) console.log(summary);
console.log(`run-tests: test run took ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (result.error) {
  console.error(`run-tests: cannot start node: ${result.error.message}`);
  process.exit(1);
}
const coverageStatus = coverageDir ? reportCoverage(coverageDir, filters.length === 0) : 0;
process.exit(result.status || coverageStatus || (result.status === null ? 1 : 0));

/** Prints the coverage summary; with `gate`, non-zero when lines are below .c8rc.json's threshold. */
function reportCoverage(dir, gate) {
  const started = Date.now();
  const report = spawnSync(
    process.execPath,
    [
      // c8 holds every process's coverage data at once: more heap than Node's default.
      '--max-old-space-size=8192',
      join(root, 'node_modules/c8/bin/c8.js'),
      'report',
      '--temp-directory',
      dir,
      '--reports-dir',
      join(dir, 'report'),
      ...(gate ? ['--check-coverage'] : []),
    ],
    { cwd: root, stdio: 'inherit' },
  );
  rmSync(dir, { recursive: true, force: true });
  console.log(`run-tests: coverage report took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (report.status !== 0 && report.status !== 1 && gate) {
    // c8 exits 1 for coverage under the threshold; anything else is the report itself failing.
    console.error(
      `run-tests: the coverage report failed (${report.signal ?? `exit ${report.status}`}); see above`,
    );
  } else if (report.status !== 0 && gate) {
    const threshold = JSON.parse(readFileSync(join(root, '.c8rc.json'), 'utf8')).lines;
    console.error(
      `run-tests: line coverage of src/ is below ${threshold} % (.c8rc.json): add tests for what you added`,
    );
  }
  return report.status ?? 1;
}
