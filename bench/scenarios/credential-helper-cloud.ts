/**
 * `docker-credential-purser get` for a cloud credential (ECR) whose minted token is cached in
 * the vault: median wall time of the whole process, against the static `get` (a username and
 * password in the same local vault), interleaved call by call and pinned to one core. The
 * token is minted once beforehand, by the real AWS SDK against the local fake ECR the tests use
 * (test/support/fake-ecr.ts, AWS JSON 1.1 GetAuthorizationToken); the timed calls must not mint
 * again (checked). Target: <= 1.5x the static get.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeEcr } from '../../test/support/fake-ecr.ts';
import { benchTemp } from '../lib/dataset.ts';
import { canPin, REPO_ROOT, SERVER_CORE } from '../lib/processes.ts';
import { median, round } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';
import { COMPILED, type Command, HELPER, runOnce, SERVER_URL } from './credential-helper.ts';

const MAX_RATIO = 1.5;
const TARGET = `<= ${MAX_RATIO} x the static \`get\``;
const PURSER = path.join(REPO_ROOT, 'bin', 'purser.js');
const ACCESS_KEY_ID = 'AKIDPURSERBENCH';
const REGION = 'eu-west-1';

/** Runs a command without blocking this process's event loop (the fake ECR answers from it). */
function runAsync(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input = '',
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
    child.stdin.end(input);
  });
}

export const credentialHelperCloud: Scenario = {
  name: 'credential-helper-cloud',
  title: '`docker-credential-purser get` of a cloud (ECR) credential with a cached minted token',
  target: TARGET,
  async run(options) {
    if (!existsSync(COMPILED))
      throw new Error('dist/cli/credential-helper.cjs is missing: run `npm run build` first');
    const dir = benchTemp('vault-cloud');
    const env = {
      PURSER_DATA: path.join(dir, 'data'),
      PURSER_CONFIG: undefined,
      PURSER_URL: undefined,
      PURSER_ENV: undefined,
    };
    const ecr = await startFakeEcr({ accessKeyId: ACCESS_KEY_ID, region: REGION });
    let mintsBefore = 0;
    const samples = new Map<string, number[]>();
    const rounds = options.quick ? 3 : 40;
    let cloud: Command;
    let local: Command;
    try {
      const secretFile = path.join(dir, 'aws.secret');
      writeFileSync(secretFile, 'bench-aws-secret-access-key\n', { mode: 0o600 });
      const step = async (what: string, command: string, args: readonly string[], input = '') => {
        const result = await runAsync(command, args, env, input);
        if (result.code !== 0)
          throw new Error(`${what} failed (${result.code}): ${result.output.slice(0, 300)}`);
        return result.output;
      };
      await step(
        'docker-credential-purser store',
        HELPER,
        ['store'],
        JSON.stringify({ ServerURL: SERVER_URL, Username: 'bench', Secret: 'bench-secret' }),
      );
      await step('purser vault add --kind ecr', process.execPath, [
        PURSER,
        'vault',
        'add',
        ecr.registryHost,
        '--kind',
        'ecr',
        '--aws-region',
        REGION,
        '--aws-access-key-id',
        ACCESS_KEY_ID,
        '--aws-secret-access-key-file',
        secretFile,
        '--aws-endpoint',
        ecr.url,
      ]);
      const minted = await step(
        'docker-credential-purser get (mint)',
        HELPER,
        ['get'],
        `${ecr.registryHost}\n`,
      );
      const body = JSON.parse(minted) as { Username?: string; Secret?: string };
      if (body.Username !== 'AWS' || !body.Secret)
        throw new Error(`the ECR credential did not come back as AWS + token: ${minted.slice(0, 200)}`);
      if (ecr.mints !== 1) throw new Error(`expected one GetAuthorizationToken call, saw ${ecr.mints}`);
      mintsBefore = ecr.mints;
      cloud = {
        label: 'get (ECR, cached token)',
        command: HELPER,
        args: ['get'],
        input: `${ecr.registryHost}\n`,
        env,
      };
      local = { label: 'get (static)', command: HELPER, args: ['get'], input: `${SERVER_URL}\n`, env };
      const commands = [local, cloud];
      for (const c of commands) samples.set(c.label, []);
      for (const c of commands) for (let i = 0; i < (options.quick ? 1 : 3); i++) runOnce(c);
      for (let i = 0; i < rounds; i++) for (const c of commands) samples.get(c.label)!.push(runOnce(c));
      if (ecr.mints !== mintsBefore)
        throw new Error(
          `the timed calls minted again (${ecr.mints - mintsBefore} GetAuthorizationToken calls)`,
        );
    } finally {
      await ecr.close();
    }
    const measured = median(samples.get(cloud.label)!);
    const baseline = median(samples.get(local.label)!);
    const ratio = measured / baseline;
    const met = ratio <= MAX_RATIO;
    options.log(`    static get ${round(baseline)} ms, ECR get with a cached token ${round(measured)} ms`);
    return {
      measured,
      baseline,
      baselineKind: 'measured',
      baselineLabel: '`docker-credential-purser get` of a static credential in the same vault',
      ratio,
      ratioMeaning: 'measured / baseline (lower is better)',
      unit: 'ms',
      target: TARGET,
      met,
      notes: [
        `median of ${rounds} interleaved runs each, spawn to exit of bin/docker-credential-purser, ${canPin() ? `pinned to core ${SERVER_CORE}` : 'unpinned'}; one local vault holding both credentials`,
        'ECR token minted once beforehand through the real AWS SDK against the local fake ECR (test/support/fake-ecr.ts); no timed call minted again',
        met ? '' : `MISSED: ${round(ratio)}x the static get > ${MAX_RATIO}x`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        staticGetMs: baseline,
        cloudRuns: samples.get(cloud.label)!.map(round),
        staticRuns: samples.get(local.label)!.map(round),
      },
    };
  },
};
