/**
 * Child processes for tests: `run` for commands that finish (skopeo, ctr, openssl…) and
 * `spawnLogged` for daemons (docker-registry, containerd, purser serve). Every child is started in
 * its own process group, tracked, and killed (with its descendants) when the test process exits,
 * so a failed assertion never leaves a daemon behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

export interface RunOptions {
  /** Added to (and overriding) process.env. A value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. Without it stdin is empty (/dev/null). */
  input?: string | Buffer;
  /** Kill the command (and its process group) after this long. Default 60 000 ms. */
  timeoutMs?: number;
  cwd?: string;
}

export interface RunResult {
  /** Exit code; 128 + signal number when the process was killed by a signal. */
  code: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The command line, for assertion messages. */
  command: string;
}

const live = new Set<ChildProcess>();
let hooksInstalled = false;

/** Runs a command to completion. Never rejects on a non-zero exit; rejects only if it cannot start. */
export function run(cmd: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const command = [cmd, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: mergeEnv(options.env),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true,
    });
    track(child);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // the command may exit without reading stdin (EPIPE)
      child.stdin.end(options.input);
    }
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child, 'SIGKILL'), 3_000);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      live.delete(child);
      reject(new Error(`cannot run ${command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      live.delete(child);
      let err = Buffer.concat(stderr).toString('utf8');
      if (timedOut) err += `\n[test/support/proc] killed after ${timeoutMs} ms timeout: ${command}\n`;
      resolve({
        code: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0),
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: err,
        timedOut,
        command,
      });
    });
  });
}

/** One line describing a finished command, for `assert.equal(r.code, 0, describe(r))`. */
export function describeResult(result: RunResult): string {
  const tail = (text: string) => (text.length > 4000 ? `…${text.slice(-4000)}` : text);
  return `${result.command} → exit ${result.code}${result.timedOut ? ' (timed out)' : ''}\nstdout: ${tail(result.stdout)}\nstderr: ${tail(result.stderr)}`;
}

export interface SpawnLoggedOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** stdout and stderr are appended to this file as they arrive (in addition to memory). */
  logFile?: string;
}

export interface LoggedProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything the process wrote to stdout and stderr so far (last 8 MB). */
  logs(): string;
  /** True until the process has exited. */
  running(): boolean;
  /** Exit code / signal once exited; undefined while running. */
  exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /**
   * Resolves with the first match of `pattern` in output written after character `from` (default 0).
   * Rejects when the process exits first or after timeoutMs (default 30 s).
   */
  waitForLog(pattern: RegExp, options?: { timeoutMs?: number; from?: number }): Promise<RegExpMatchArray>;
  /** Resolves when the process has exited (rejects after timeoutMs, default 30 s). */
  waitForExit(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) to the process group, then SIGKILL after graceMs (default 10 s). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const MAX_LOG = 8 * 1024 * 1024;

/** Starts a long-running process whose output is kept for assertions and debugging. */
export function spawnLogged(
  cmd: string,
  args: readonly string[],
  options: SpawnLoggedOptions = {},
): LoggedProcess {
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: mergeEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) {
    // spawn failures (ENOENT) are reported asynchronously, but pid is already missing.
    child.once('error', () => {});
    throw new Error(`cannot start ${cmd}: not found or not executable`);
  }
  const pid = child.pid;
  track(child);
  // A forgotten daemon must not keep the test process alive; the exit hook kills it.
  child.unref();
  let output = '';
  let dropped = 0;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  // 'exit' can come before the last output is read: waitForLog reports an exit only once the
  // pipes are drained ('close'), or 200 ms after it when a grandchild still holds them.
  let drained = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    output += text;
    if (output.length > MAX_LOG) {
      const cut = output.length - MAX_LOG;
      output = output.slice(cut);
      dropped += cut;
    }
    if (options.logFile) appendFileSync(options.logFile, chunk);
    notify();
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    stream.on('data', onData);
    unrefStream(stream);
  }
  const drain = () => {
    if (drained) return;
    drained = true;
    notify();
  };
  child.once('close', drain);
  child.once('exit', (code, signal) => {
    exit = { code, signal };
    live.delete(child);
    setTimeout(drain, 200).unref();
    notify();
  });
  child.once('error', (error) => {
    exit ??= { code: null, signal: null };
    output += `\n[test/support/proc] ${cmd}: ${error.message}\n`;
    live.delete(child);
    drain();
  });

  const wait = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const done = () => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`${cmd} (pid ${pid}): timed out after ${timeoutMs} ms waiting for ${what}\n${tail()}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(done);
      };
      waiters.add(done);
      done();
    });
  const tail = () => `--- last output ---\n${output.slice(-3000)}`;

  const handle: LoggedProcess = {
    child,
    pid,
    logs: () => output,
    running: () => exit === undefined,
    exitStatus: () => exit,
    waitForLog(pattern, { timeoutMs = 30_000, from = 0 } = {}) {
      return wait(
        () => {
          const start = Math.max(0, from - dropped);
          const match = output.slice(start).match(pattern);
          if (match) return match;
          if (exit && drained) {
            throw new Error(
              `${cmd} exited (code ${exit.code}, signal ${exit.signal}) before logging ${pattern}\n${tail()}`,
            );
          }
          return undefined;
        },
        timeoutMs,
        String(pattern),
      );
    },
    waitForExit(timeoutMs = 30_000) {
      return wait(() => exit, timeoutMs, 'exit');
    },
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (exit) return;
      killGroup(child, signal);
      try {
        await handle.waitForExit(graceMs);
      } catch {
        killGroup(child, 'SIGKILL');
        await handle.waitForExit(5_000);
      }
      // Descendants (e.g. containerd shims) share the group; make sure none survive.
      killGroup(child, 'SIGKILL');
    },
  };
  return handle;
}

function mergeEnv(extra: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(extra ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function unrefStream(stream: Readable): void {
  const maybe = stream as Readable & { unref?: () => void };
  maybe.unref?.();
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function track(child: ChildProcess): void {
  live.add(child);
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      for (const c of live) killGroup(c, 'SIGKILL');
      process.removeListener(signal, handler);
      // Re-raise for the default behaviour unless someone else (e.g. the test runner) handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}
