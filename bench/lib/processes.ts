/**
 * Child processes for the benchmarks: everything measured runs in its own process, pinned to a
 * core with `taskset` where it exists (server and micro-benchmarks on core 0, load generators and
 * clients on core 1), so the figures do not depend on the runner's own work.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** tsx by absolute URL, so children start from any working directory. */
const TSX = import.meta.resolve('tsx');

/** Core numbers: SERVER_CORE for what is measured, CLIENT_CORE for what generates load. */
export const SERVER_CORE = 0;
export const CLIENT_CORE = 1;

let tasksetWorks: boolean | undefined;

/** Whether `taskset -c 1` works here (binary present and at least two CPUs usable). */
export function canPin(): boolean {
  if (tasksetWorks === undefined) {
    const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    tasksetWorks =
      cpus >= 2 &&
      (existsSync('/usr/bin/taskset') || existsSync('/bin/taskset')) &&
      spawnSync('taskset', ['-c', String(CLIENT_CORE), 'true']).status === 0;
  }
  return tasksetWorks;
}

export function placement(): string {
  return canPin()
    ? `pinned: measured process on core ${SERVER_CORE}, load generator on core ${CLIENT_CORE}`
    : 'unpinned (taskset unavailable or fewer than 2 CPUs)';
}

/**
 * The command line for `command args` pinned to `core` (unchanged when pinning is unavailable,
 * or with `core` null: a process that may use every core, such as a cluster of workers).
 */
export function pinned(core: number | null, command: string, args: readonly string[]): [string, string[]] {
  return canPin() && core !== null
    ? ['taskset', ['-c', String(core), command, ...args]]
    : [command, [...args]];
}

/** `node --import tsx SCRIPT ...args` (without tsx for plain JavaScript) pinned to `core`. */
export function nodeCommand(
  core: number | null,
  script: string,
  args: readonly string[] = [],
  nodeFlags: readonly string[] = [],
  typescript = true,
): [string, string[]] {
  return pinned(core, process.execPath, [
    ...nodeFlags,
    ...(typescript ? ['--import', TSX] : []),
    script,
    ...args,
  ]);
}

const live = new Set<ChildProcess>();

/** Kills every child still running (on exit or interrupt). */
export function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export interface JsonChildOptions {
  readonly core: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  readonly nodeFlags?: readonly string[];
  /** Default true; false runs a plain JavaScript worker without the tsx loader. */
  readonly typescript?: boolean;
}

/**
 * Runs a TypeScript worker that reads its input from argv[2] (JSON) and prints its result as
 * the last stdout line (JSON). Rejects with its stderr on failure.
 */
export function runJsonChild<T>(script: string, input: unknown, options: JsonChildOptions): Promise<T> {
  const [command, args] = nodeCommand(
    options.core,
    script,
    [JSON.stringify(input)],
    options.nodeFlags,
    options.typescript ?? true,
  );
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(command, args, {
        cwd: REPO_ROOT,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code !== 0) {
        reject(new Error(`${script} exited with ${code ?? signal}: ${stderr.trim().slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${stdout.slice(-500)} ${stderr.slice(-1000)}`));
      }
    });
  });
}

export interface ServerChild {
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from the spawn to the ready line. */
  readonly startupMs: number;
  /** When the ready line came (Date.now()). */
  readonly readyAt: number;
  /** Output so far (for error messages). */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts a long-running server worker that prints `READY <url>` once it listens. The pid is the
 * node process itself (taskset execs it), so its RSS can be read from /proc.
 */
export function startServerChild(
  script: string,
  args: readonly string[],
  options: {
    /** The core to pin to; null leaves the process (and its children) free to use every core. */
    core: number | null;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    nodeFlags?: readonly string[];
    cwd?: string;
    /** Default true; false runs plain JavaScript (the compiled product) without the tsx loader. */
    typescript?: boolean;
    /** The output line that says the server is up; its first group is the URL. Default `READY <url>`. */
    ready?: RegExp;
  },
): Promise<ServerChild> {
  const [command, argv] = nodeCommand(
    options.core,
    script,
    args,
    options.nodeFlags,
    options.typescript ?? true,
  );
  const ready = options.ready ?? /^READY (\S+)/m;
  const child = track(
    spawn(command, argv, {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  const spawned = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not become ready: ${output.slice(-2000)}`));
    }, options.timeoutMs ?? 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          pid: child.pid!,
          startupMs: Date.now() - spawned,
          readyAt: Date.now(),
          logs: () => output,
          stop: () => stopChild(child),
        });
      }
    };
    // The ready line may come on either stream (a cluster's primary writes it to stderr).
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready: ${output.slice(-2000)}`));
    });
  });
}

/** SIGTERM, then SIGKILL after 10 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Resident set size of a process in bytes (Linux /proc), or NaN elsewhere. */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

export function hasBinary(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
