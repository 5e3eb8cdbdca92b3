/** HTTP load with autocannon in a child process pinned to the client core. */
import { fileURLToPath } from 'node:url';
import { CLIENT_CORE, runJsonChild } from './processes.ts';

const WORKER = fileURLToPath(new URL('./autocannon-worker.mjs', import.meta.url));

export interface LoadSpec {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly counterStart?: number;
  /** `{c}` in `path` or `body` cycles over start .. start + length - 1 with the counter. */
  readonly cycle?: { readonly start: number; readonly length: number };
  /** A Basic Authorization header per request; `{n}` / `{c}` in `user` are filled as in `path`. */
  readonly basic?: { readonly user: string; readonly password: string };
  /** Stop after this many requests instead of `durationSeconds` (which then only bounds the wait). */
  readonly amount?: number;
}

export interface LoadResult {
  /** autocannon's mean of per-second request counts (all responses). */
  readonly requestsPerSecond: number;
  readonly total2xx: number;
  /** 2xx responses per second of the run: the figure that counts as tokens/s. */
  readonly perSecond2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Milliseconds. */
  readonly latencyP50: number;
  readonly latencyP99: number;
  readonly latencyMean: number;
  readonly counterEnd: number;
  /** Seconds the run took (`durationSeconds`, or the measured time with `amount`). */
  readonly elapsedSeconds: number;
}

export function load(spec: LoadSpec): Promise<LoadResult> {
  return runJsonChild<LoadResult>(WORKER, spec, {
    core: CLIENT_CORE,
    timeoutMs: (spec.durationSeconds + 60) * 1000,
    typescript: false,
  });
}
