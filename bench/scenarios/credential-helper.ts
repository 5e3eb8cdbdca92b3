/**
 * `docker-credential-purser get` (a hit in the local vault): median wall time of the whole
 * process, against `node -e 0` (the runtime's floor) and `docker-credential-pass get` when pass
 * is installed. pass runs against a throwaway GNUPGHOME + PASSWORD_STORE_DIR with a key without
 * passphrase (never the user's own store). Runs are interleaved and pinned to one core.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { benchTemp } from '../lib/dataset.ts';
import { canPin, hasBinary, pinned, REPO_ROOT, SERVER_CORE } from '../lib/processes.ts';
import { median, round } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const TARGET = '<= 1.25 x `node -e 0`';
export const SERVER_URL = 'registry.bench.example:5000';
/** The installed command, run the way docker runs it (its own shebang, through the shim). */
export const HELPER = path.join(REPO_ROOT, 'bin', 'docker-credential-purser');
export const COMPILED = path.join(REPO_ROOT, 'dist', 'cli', 'credential-helper.cjs');

export interface Command {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** Wall time of one run of `c`, pinned to the server core, in ms. */
export function runOnce(c: Command): number {
  const [command, args] = pinned(SERVER_CORE, c.command, c.args);
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    input: c.input ?? '',
    env: { ...process.env, ...c.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0)
    throw new Error(
      `${c.label} failed (${result.status}): ${(result.stdout + result.stderr).trim().slice(0, 300)}`,
    );
  return ms;
}

/** A throwaway pass store holding one credential, or the reason there is none. */
function passStore(): { env: NodeJS.ProcessEnv; cleanup: () => void } | string {
  if (!hasBinary('docker-credential-pass') || !hasBinary('pass') || !hasBinary('gpg'))
    return 'docker-credential-pass, pass or gpg is not installed';
  const dir = benchTemp('pass');
  const env = { GNUPGHOME: path.join(dir, 'gnupg'), PASSWORD_STORE_DIR: path.join(dir, 'store') };
  mkdirSync(env.GNUPGHOME, { mode: 0o700 });
  const cleanup = () => {
    spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, ...env }, stdio: 'ignore' });
  };
  const step = (command: string, args: string[], input?: string) => {
    const result = spawnSync(command, args, {
      env: { ...process.env, ...env },
      input: input ?? '',
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (result.status !== 0)
      throw new Error(
        `${command} ${args[0] ?? ''}: ${(result.stderr || result.stdout).trim().slice(0, 200)}`,
      );
    return result.stdout;
  };
  try {
    step('gpg', [
      '--batch',
      '--pinentry-mode',
      'loopback',
      '--passphrase',
      '',
      '--quick-gen-key',
      'purser-bench <bench@invalid>',
      'default',
      'default',
      'never',
    ]);
    const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(step('gpg', ['--list-keys', '--with-colons']))?.[1];
    if (!fingerprint) throw new Error('no key fingerprint');
    step('pass', ['init', fingerprint]);
    step(
      'docker-credential-pass',
      ['store'],
      JSON.stringify({ ServerURL: SERVER_URL, Username: 'bench', Secret: 'bench-secret' }),
    );
    return { env, cleanup };
  } catch (error) {
    cleanup();
    return `could not prepare a throwaway pass store: ${(error as Error).message}`;
  }
}

export const credentialHelper: Scenario = {
  name: 'credential-helper',
  title: '`docker-credential-purser get` median wall time',
  target: TARGET,
  async run(options) {
    if (!existsSync(COMPILED))
      throw new Error(
        'dist/cli/credential-helper.cjs is missing: run `npm run build` first (bin/docker-credential-purser runs the compiled helper)',
      );
    const stale =
      statSync(path.join(REPO_ROOT, 'src', 'cli', 'credential-helper.cts')).mtimeMs >
      statSync(COMPILED).mtimeMs;
    const dataDir = benchTemp('vault');
    const purserEnv = {
      PURSER_DATA: dataDir,
      PURSER_CONFIG: undefined,
      PURSER_URL: undefined,
      PURSER_ENV: undefined,
    };
    runOnce({
      label: 'docker-credential-purser store',
      command: HELPER,
      args: ['store'],
      input: JSON.stringify({ ServerURL: SERVER_URL, Username: 'bench', Secret: 'bench-secret' }),
      env: purserEnv,
    });
    const purser: Command = {
      label: 'docker-credential-purser get',
      command: HELPER,
      args: ['get'],
      input: `${SERVER_URL}\n`,
      env: purserEnv,
    };
    const [check] = [
      spawnSync(HELPER, ['get'], {
        input: `${SERVER_URL}\n`,
        env: { ...process.env, ...purserEnv },
        encoding: 'utf8',
      }),
    ];
    if (!check.stdout.includes('bench-secret'))
      throw new Error(
        `docker-credential-purser get did not return the stored credential: ${check.stdout.slice(0, 200)}`,
      );
    const floor: Command = { label: 'node -e 0', command: process.execPath, args: ['-e', '0'] };
    // NODE_EXTRA_CA_CERTS (set machine-wide on some hosts, this one included) makes every Node
    // start parse the CA store; the helper's shim sets it aside, so the bare floor is shown too.
    const extraCa = Boolean(process.env.NODE_EXTRA_CA_CERTS);
    const bareFloor: Command = {
      label: 'node -e 0 without NODE_EXTRA_CA_CERTS',
      command: process.execPath,
      args: ['-e', '0'],
      env: { NODE_EXTRA_CA_CERTS: undefined },
    };
    const pass = passStore();
    const commands: Command[] = extraCa ? [floor, bareFloor, purser] : [floor, purser];
    if (typeof pass !== 'string')
      commands.push({
        label: 'docker-credential-pass get',
        command: 'docker-credential-pass',
        args: ['get'],
        input: `${SERVER_URL}\n`,
        env: pass.env,
      });
    const samples = new Map<string, number[]>(commands.map((c) => [c.label, []]));
    const rounds = options.quick ? 3 : 40;
    try {
      for (const c of commands) for (let i = 0; i < (options.quick ? 1 : 3); i++) runOnce(c); // warm the page cache
      for (let i = 0; i < rounds; i++) for (const c of commands) samples.get(c.label)!.push(runOnce(c));
    } finally {
      if (typeof pass !== 'string') pass.cleanup();
    }
    const measured = median(samples.get(purser.label)!);
    const baseline = median(samples.get(floor.label)!);
    const passMs = typeof pass === 'string' ? null : median(samples.get('docker-credential-pass get')!);
    const bareMs = extraCa ? median(samples.get(bareFloor.label)!) : null;
    const ratio = measured / baseline;
    const met = ratio <= 1.25;
    options.log(
      `    node -e 0 ${round(baseline)} ms${bareMs === null ? '' : ` (${round(bareMs)} ms without NODE_EXTRA_CA_CERTS)`}, purser get ${round(measured)} ms, pass get ${passMs === null ? 'n/a' : `${round(passMs)} ms`}`,
    );
    return {
      measured,
      baseline,
      baselineKind: 'measured',
      baselineLabel: '`node -e 0`, the same runtime doing nothing',
      ratio,
      ratioMeaning: 'measured / baseline (lower is better)',
      unit: 'ms',
      target: TARGET,
      met,
      notes: [
        `median of ${rounds} interleaved runs each, spawn to exit of bin/docker-credential-purser as docker runs it, ${canPin() ? `pinned to core ${SERVER_CORE}` : 'unpinned'}; local vault (SQLite) hit`,
        bareMs === null
          ? ''
          : `NODE_EXTRA_CA_CERTS is set here: node -e 0 takes ${round(baseline)} ms with it and ${round(bareMs)} ms without; the helper sets it aside, so it is ${round(measured / bareMs)}x the bare floor`,
        passMs === null
          ? `docker-credential-pass baseline n/a: ${pass as string}`
          : `docker-credential-pass get ${round(passMs)} ms (throwaway GNUPGHOME, key without passphrase)`,
        stale ? 'WARNING: dist/ is older than src/cli/credential-helper.cts; run `npm run build`' : '',
        met ? '' : `MISSED: ${round(ratio)}x node -e 0 > 1.25x`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        nodeE0Ms: baseline,
        nodeE0WithoutExtraCaMs: bareMs ?? 'n/a (NODE_EXTRA_CA_CERTS not set)',
        ratioToBareFloor: bareMs === null ? round(measured / baseline) : round(measured / bareMs),
        dockerCredentialPassMs: passMs ?? 'n/a',
        ratioToPass: passMs === null ? 'n/a' : round(measured / passMs),
      },
    };
  },
};
