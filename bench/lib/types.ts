/** What a benchmark scenario is and what it reports. */

export interface RunOptions {
  /** Tiny datasets and durations: a smoke check that the scenario still works (no meaningful figures). */
  readonly quick: boolean;
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
}

export interface ScenarioOutcome {
  /** The figure the scenario is about, in `unit`. */
  readonly measured: number;
  /**
   * The same-run baseline, in `baselineUnit` (default `unit`). Scenarios without a same-run
   * baseline use their limit (the target) here, and say so in `baselineKind`.
   */
  readonly baseline: number;
  readonly baselineKind: 'measured' | 'limit';
  /** What the baseline is, in words. */
  readonly baselineLabel: string;
  /** measured / baseline, or as `ratioMeaning` says. */
  readonly ratio: number;
  readonly ratioMeaning: string;
  readonly unit: string;
  readonly baselineUnit?: string;
  readonly target: string;
  readonly met: boolean;
  readonly notes: string;
  /** Secondary figures (p99, run-by-run values, alternative baselines). */
  readonly details?: Readonly<Record<string, number | string | boolean | null | readonly number[]>>;
}

export interface ScenarioResult extends ScenarioOutcome {
  readonly name: string;
  readonly title: string;
  readonly seconds: number;
}

export interface Scenario {
  /** Short id for `--only`. */
  readonly name: string;
  /** The row of the table it implements. */
  readonly title: string;
  readonly target: string;
  run(options: RunOptions): Promise<ScenarioOutcome>;
}
