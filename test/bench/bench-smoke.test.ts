/**
 * Smoke check that the benchmarks still work: `npm run bench -- --quick` (tiny datasets, 1 s
 * runs) must write a result for every scenario with numeric measured/baseline/ratio fields.
 * No timing assertions: figures from --quick mean nothing, and this machine is shared.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireBinaries } from '../support/binaries.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXPECTED = [
  'tokens-refresh',
  'tokens-basic',
  'tokens-repeat',
  'tokens-postgres',
  'audit-bytes',
  'workers',
  'password-grant',
  'ldap-login',
  'policy',
  'who-can',
  'search',
  'discovery',
  'credential-helper',
  'credential-helper-cloud',
  'skopeo-inspect',
  'memory',
  'console-bundle',
];

interface ScenarioJson {
  name: string;
  measured: unknown;
  baseline: unknown;
  ratio: unknown;
  target: unknown;
  met: unknown;
  unit: unknown;
  error?: string;
}

test(
  'npm run bench -- --quick reports every scenario with numeric figures',
  { timeout: 600_000 },
  async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo', 'slapd', 'wrk'])) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'purser-bench-smoke-'));
    const out = path.join(dir, 'latest.json');
    try {
      const { code, output } = await new Promise<{ code: number | null; output: string }>(
        (resolve, reject) => {
          const child = spawn('npm', ['run', '--silent', 'bench', '--', '--quick', '--out', out], {
            cwd: ROOT,
            stdio: ['ignore', 'pipe', 'pipe'],
            // The benchmarks run the compiled build, not src/: their coverage data (hundreds of
            // processes) would only weigh on the coverage report.
            env: { ...process.env, NODE_V8_COVERAGE: undefined },
          });
          let output = '';
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
          });
          child.stderr.on('data', (chunk: Buffer) => {
            output += chunk.toString();
          });
          const timer = setTimeout(() => child.kill('SIGTERM'), 580_000);
          child.once('error', reject);
          child.once('exit', (exitCode) => {
            clearTimeout(timer);
            resolve({ code: exitCode, output });
          });
        },
      );
      assert.equal(code, 0, `npm run bench -- --quick failed:\n${output.slice(-4000)}`);
      const report = JSON.parse(readFileSync(out, 'utf8')) as { quick: boolean; scenarios: ScenarioJson[] };
      assert.equal(report.quick, true);
      assert.deepEqual(
        report.scenarios.map((s) => s.name),
        EXPECTED,
      );
      for (const scenario of report.scenarios) {
        assert.equal(scenario.error, undefined, `${scenario.name} failed: ${scenario.error}`);
        for (const field of ['measured', 'baseline', 'ratio'] as const) {
          const value = scenario[field];
          assert.equal(typeof value, 'number', `${scenario.name}.${field} is not a number`);
          assert.ok(Number.isFinite(value), `${scenario.name}.${field} is not finite: ${String(value)}`);
        }
        assert.equal(typeof scenario.target, 'string');
        assert.equal(typeof scenario.unit, 'string');
        assert.equal(typeof scenario.met, 'boolean');
      }
      assert.match(output, /\| scenario +\| measured/, 'the table is printed');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
