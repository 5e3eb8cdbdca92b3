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
}

export function load(spec: LoadSpec): Promise<LoadResult> {
  return runJsonChild<LoadResult>(WORKER, spec, {
    core: CLIENT_CORE,
    timeoutMs: (spec.durationSeconds + 60) * 1000,
    typescript: false,
  });
}
