/**
 * Running Purser from its TypeScript sources in tests: one-shot CLI calls (`purserCli`) and a
 * server (`startPurser`) that is ready when GET /healthz answers 200.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type LoggedProcess, type RunResult, run, spawnLogged } from './proc.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** tsx by absolute URL, so the CLI also starts when cwd is a temp dir outside the repo. */
const TSX_LOADER = import.meta.resolve('tsx');
const NODE_ARGS = ['--import', TSX_LOADER, CLI_ENTRY];

export interface PurserCliOptions {
  /** Added to the environment. PURSER_CONFIG, PURSER_URL and PURSER_DATA are not inherited. */
  env?: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs `purser ...args` from sources; resolves with {code, stdout, stderr} whatever the exit code. */
export function purserCli(args: readonly string[], options: PurserCliOptions = {}): Promise<RunResult> {
  return run(process.execPath, [...NODE_ARGS, ...args], {
    env: cliEnv(options.env),
    input: options.input,
    cwd: options.cwd,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

export interface StartPurserOptions {
  /** YAML config; its `listen` key (HOST:PORT, default 127.0.0.1:5001) gives the URL. */
  configFile: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Extra arguments after `serve --config FILE`. */
  args?: readonly string[];
  startTimeoutMs?: number;
}

export interface PurserServer {
  /** http://HOST:PORT from the config's `listen`. */
  url: string;
  /** SIGTERM, then waits for exit (SIGKILL after 10 s). Safe to call twice. */
  stop(): Promise<void>;
  /** Stops and starts again with the same config file (re-read, so edits apply). */
  restart(): Promise<void>;
  /** kill -9: no shutdown at all (a crash). `restart()` starts it again. */
  kill(): Promise<void>;
  /** Output of the current process (stdout + stderr). */
  logs(): string;
  /** Exit status once stopped or crashed. */
  exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The process id of the current process (to signal it: SIGHUP). */
  pid(): number;
  /** The first match of `pattern` in the output after character `from`. */
  waitForLog(pattern: RegExp, options?: { timeoutMs?: number; from?: number }): Promise<RegExpMatchArray>;
}

export async function startPurser(options: StartPurserOptions): Promise<PurserServer> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  let proc: LoggedProcess | undefined;
  let url = '';
  let stopped = false;

  const launch = async (): Promise<void> => {
    url = listenUrl(options.configFile);
    const started = spawnLogged(
      process.execPath,
      [...NODE_ARGS, 'serve', '--config', options.configFile, ...(options.args ?? [])],
      { env: cliEnv(options.env), cwd: options.cwd },
    );
    proc = started;
    try {
      await waitForHealthz(url, started, timeoutMs);
    } catch (error) {
      await started.stop('SIGKILL');
      throw error;
    }
  };

  await launch();
  return {
    get url() {
      return url;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc?.stop('SIGTERM', 10_000);
    },
    async restart() {
      await proc?.stop('SIGTERM', 10_000);
      stopped = false;
      await launch();
    },
    async kill() {
      await proc?.stop('SIGKILL', 10_000);
    },
    logs: () => proc?.logs() ?? '',
    exitStatus: () => proc?.exitStatus(),
    pid: () => proc!.pid,
    waitForLog: (pattern, waitOptions) => proc!.waitForLog(pattern, waitOptions),
  };
}

/** http://HOST:PORT for the `listen` key of a Purser YAML config. */
export function listenUrl(configFile: string): string {
  const config: unknown = parse(readFileSync(configFile, 'utf8'));
  const listen =
    typeof config === 'object' && config !== null && 'listen' in config
      ? String(config.listen)
      : '127.0.0.1:5001';
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):([0-9]{1,5})$/.exec(listen);
  if (!match) throw new TypeError(`${configFile}: listen must be HOST:PORT, got "${listen}"`);
  const host = match[1] !== undefined ? `[${match[1]}]` : match[2];
  return `http://${host}:${match[3]}`;
}

function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { PURSER_CONFIG: undefined, PURSER_URL: undefined, PURSER_DATA: undefined, NO_COLOR: '1', ...extra };
}

async function waitForHealthz(url: string, proc: LoggedProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const exit = proc.exitStatus();
    if (exit) {
      throw new Error(
        `purser serve exited (code ${exit.code}, signal ${exit.signal}) before ${url}/healthz answered\n${proc.logs().slice(-3000)}`,
      );
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `purser serve: ${url}/healthz not 200 after ${timeoutMs} ms (last: ${last})\n${proc.logs().slice(-3000)}`,
  );
}
