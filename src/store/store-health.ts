/**
 * Whether the store can be used, as the server's readiness and every query see it.
 *
 * A connection fault (reported by the PostgreSQL pool, or by a failed query) starts a probe:
 * `select 1` straight on the driver, repeated with a growing delay (100 ms doubling to 5 s)
 * until it answers. While the probe fails the store is `away`: queries fail at once with
 * UNAVAILABLE (503) instead of each waiting for a connection timeout, and readiness fails. The
 * first successful probe makes it `up` again; nobody has to restart anything.
 *
 * A database file replaced or deleted under the process is `lost`: that does not heal (the
 * process would write into an unlinked file); readiness fails and writes get 503 until an
 * operator restarts Purser on the right file.
 */
import { Unavailable } from '../domain/errors.ts';
import { storeFault, storeFaultMessage } from './store-faults.ts';

export type StoreState =
  | { readonly status: 'up' }
  | { readonly status: 'away'; readonly since: number; readonly reason: string }
  | { readonly status: 'lost'; readonly since: number; readonly reason: string };

export interface StoreHealthOptions {
  /** Succeeds when the database answers (driver level, below the query gate). */
  readonly probe: () => Promise<void>;
  /** A state change (`away`, `up`, `lost`), for the log. */
  readonly onChange?: (state: StoreState, error?: unknown) => void;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
}

export class StoreHealth {
  #state: StoreState = { status: 'up' };
  #probing = false;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #options: StoreHealthOptions;

  constructor(options: StoreHealthOptions) {
    this.#options = options;
  }

  get state(): StoreState {
    return this.#state;
  }

  /** Throws UNAVAILABLE while the store is away or lost. */
  assertAvailable(): void {
    const state = this.#state;
    if (state.status === 'up') return;
    throw new Unavailable(
      state.status === 'lost'
        ? `the database cannot be used: ${state.reason}`
        : storeFaultMessage('connection'),
      { detail: state.reason, expose: true },
    );
  }

  /** A query or the pool failed: a connection fault starts the probe. Other errors are ignored. */
  reportFailure(error: unknown): void {
    if (this.#closed || this.#state.status === 'lost') return;
    if (storeFault(error) !== 'connection') return;
    this.#startProbe();
  }

  /** The database file is not the one opened: permanent for this process. */
  markLost(reason: string): void {
    if (this.#state.status === 'lost') return;
    this.#state = { status: 'lost', since: Date.now(), reason };
    this.#options.onChange?.(this.#state);
  }

  /** Readiness: the current state after one probe now (unless already lost or probing). */
  async check(): Promise<StoreState> {
    if (this.#state.status === 'lost' || this.#probing) return this.#state;
    try {
      await this.#options.probe();
      if (this.#state.status === 'away') this.#set({ status: 'up' });
    } catch (error) {
      this.reportFailure(error);
      if (this.#state.status === 'up') this.#set(away(error));
    }
    return this.#state;
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
  }

  #startProbe(): void {
    if (this.#probing) return;
    this.#probing = true;
    let delay = this.#options.minDelayMs ?? 100;
    const attempt = async () => {
      if (this.#closed) return;
      try {
        await this.#options.probe();
        this.#probing = false;
        if (this.#state.status === 'away') this.#set({ status: 'up' });
      } catch (error) {
        if (this.#state.status === 'lost') {
          this.#probing = false;
          return;
        }
        if (this.#state.status === 'up') this.#set(away(error), error);
        this.#timer = setTimeout(() => void attempt(), delay);
        this.#timer.unref();
        delay = Math.min(delay * 2, this.#options.maxDelayMs ?? 5_000);
      }
    };
    void attempt();
  }

  #set(state: StoreState, error?: unknown): void {
    const changed = state.status !== this.#state.status;
    this.#state = state;
    if (changed) this.#options.onChange?.(state, error);
  }
}

function away(error: unknown): StoreState {
  return {
    status: 'away',
    since: Date.now(),
    reason: error instanceof Error ? error.message : String(error),
  };
}
