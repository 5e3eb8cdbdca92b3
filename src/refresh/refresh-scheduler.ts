/**
 * `purser refresh`: rewrites each target with fresh credentials by its tokens' half-life.
 * - `runOnce()` (`--once`, for cron) writes every target once, retrying a failure with backoff
 *   a few times;
 * - `start()` (`--watch`) writes every target now, then again at the earliest half-life of its
 *   tokens (targets holding only static credentials every `staticIntervalSeconds`), and after a
 *   failure retries with backoff until it succeeds.
 * A target is never written with an expired token: it is reported `refused` instead, and the
 * file or Secret keeps what it had. Every attempt is reported through `onReport`, without
 * secrets.
 */
import { type Clock, systemClock } from '../cloud/clock.ts';
import type { RefreshCredential, RefreshTarget } from './refresh-target.ts';

export interface RefreshJob {
  readonly target: RefreshTarget;
  /** The target's credentials as of now (phase 2: the vault, through the minted-token cache). */
  resolve(): Promise<readonly RefreshCredential[]>;
}

export interface RefreshReport {
  readonly target: string;
  readonly outcome: 'written' | 'failed' | 'refused';
  /** Epoch seconds. */
  readonly at: number;
  readonly message: string;
  readonly attempt: number;
  /** The earliest expiry among the written tokens. */
  readonly expiresAt?: number;
  /** When this target is due again (watch mode). */
  readonly nextAt?: number;
}

export interface RefreshSchedulerOptions {
  readonly clock?: Clock;
  readonly onReport?: (report: RefreshReport) => void;
  /** Default 3600. */
  readonly staticIntervalSeconds?: number;
  /** Default 1 s, doubling up to `retryMaxMs` (default 5 min). */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Attempts per target in runOnce; default 3. */
  readonly onceAttempts?: number;
  /** A token this close to expiry counts as expired; default 1 s. */
  readonly marginSeconds?: number;
}

interface JobState {
  readonly job: RefreshJob;
  failures: number;
  timer: unknown;
}

export class RefreshScheduler {
  readonly #jobs: JobState[];
  readonly #clock: Clock;
  readonly #onReport: (report: RefreshReport) => void;
  readonly #staticInterval: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #onceAttempts: number;
  readonly #margin: number;
  #running = false;

  constructor(jobs: readonly RefreshJob[], options: RefreshSchedulerOptions = {}) {
    this.#jobs = jobs.map((job) => ({ job, failures: 0, timer: undefined }));
    this.#clock = options.clock ?? systemClock;
    this.#onReport = options.onReport ?? (() => {});
    this.#staticInterval = options.staticIntervalSeconds ?? 3600;
    this.#retryInitialMs = options.retryInitialMs ?? 1_000;
    this.#retryMaxMs = options.retryMaxMs ?? 300_000;
    this.#onceAttempts = options.onceAttempts ?? 3;
    this.#margin = options.marginSeconds ?? 1;
  }

  /** Every target once (with retries); the last report of each. */
  async runOnce(): Promise<RefreshReport[]> {
    const reports: RefreshReport[] = [];
    for (const state of this.#jobs) {
      let report: RefreshReport;
      for (let attempt = 1; ; attempt++) {
        report = await this.#attempt(state, attempt);
        if (report.outcome === 'written' || attempt >= this.#onceAttempts) break;
        await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, this.#backoff(attempt)));
      }
      reports.push(report);
    }
    return reports;
  }

  /** Watch mode: write every target now and keep each one fresh until stop(). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const state of this.#jobs) this.#schedule(state, 0);
  }

  stop(): void {
    this.#running = false;
    for (const state of this.#jobs) {
      if (state.timer !== undefined) this.#clock.clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  #schedule(state: JobState, delayMs: number): void {
    state.timer = this.#clock.setTimeout(() => {
      state.timer = undefined;
      void this.#attempt(state, state.failures + 1).then((report) => {
        if (!this.#running) return;
        const dueIn = report.nextAt === undefined ? 0 : (report.nextAt - this.#now()) * 1000;
        if (report.outcome === 'written' && dueIn > 0) {
          state.failures = 0;
          this.#schedule(state, dueIn);
        } else {
          // Failed, refused, or written with a token already past its half-life (its renewal
          // failed): try again with backoff rather than rewriting in a tight loop.
          state.failures += 1;
          this.#schedule(state, this.#backoff(state.failures));
        }
      });
    }, delayMs);
  }

  async #attempt(state: JobState, attempt: number): Promise<RefreshReport> {
    const target = state.job.target.name;
    let report: RefreshReport;
    try {
      const credentials = await state.job.resolve();
      const now = this.#now();
      const expired = credentials.filter(
        (c) => c.expiresAt !== undefined && c.expiresAt - this.#margin <= now,
      );
      if (expired.length > 0) {
        report = {
          target,
          outcome: 'refused',
          at: now,
          attempt,
          message: `not written: the token for ${expired.map((c) => c.credential.address).join(', ')} has expired and could not be renewed`,
        };
      } else {
        const message = await state.job.target.write(credentials.map((c) => c.credential));
        const expiries = credentials.flatMap((c) => (c.expiresAt === undefined ? [] : [c.expiresAt]));
        const dues = credentials.flatMap((c) =>
          c.refreshAt !== undefined
            ? [c.refreshAt]
            : c.expiresAt !== undefined
              ? [now + (c.expiresAt - now) / 2]
              : [],
        );
        const at = this.#now();
        report = {
          target,
          outcome: 'written',
          at,
          attempt,
          message,
          ...(expiries.length > 0 ? { expiresAt: Math.min(...expiries) } : {}),
          nextAt: dues.length > 0 ? Math.max(at, Math.min(...dues)) : at + this.#staticInterval,
        };
      }
    } catch (error) {
      report = {
        target,
        outcome: 'failed',
        at: this.#now(),
        attempt,
        message: error instanceof Error ? error.message.split('\n')[0]! : String(error),
      };
    }
    this.#onReport(report);
    return report;
  }

  #backoff(failures: number): number {
    return Math.min(this.#retryInitialMs * 2 ** Math.max(0, failures - 1), this.#retryMaxMs);
  }

  #now(): number {
    return this.#clock.now() / 1000;
  }
}
