/** How long and how often things run, full vs `--quick`. */
import type { DatasetSpec } from './dataset.ts';

export interface HttpPlan {
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly durationSeconds: number;
  readonly connections: number;
}

export function httpPlan(quick: boolean): HttpPlan {
  return quick
    ? { warmupSeconds: 0, runs: 1, durationSeconds: 1, connections: 50 }
    : { warmupSeconds: 3, runs: 3, durationSeconds: 10, connections: 50 };
}

/** The organisation of the issue: 10k users, 1k groups, 1k apps (tiny with --quick). */
export function orgSpec(quick: boolean, repositories = 0): DatasetSpec {
  return quick
    ? { users: 400, groups: 50, apps: 50, repositories: Math.min(repositories, 2_000) }
    : { users: 10_000, groups: 1_000, apps: 1_000, repositories };
}
