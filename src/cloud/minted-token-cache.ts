/**
 * Minted cloud tokens, kept fresh. The rules (amazon-ecr-credential-helper refreshes at half
 * the lifetime and falls back to the cached token when a refresh fails; we do the same):
 * - a token is fresh until half its lifetime; after that a refresh is due;
 * - a token used since its mint is refreshed in the background when it turns due; one nobody
 *   asked for is refreshed on demand, by the next `get`;
 * - concurrent `get`s of one credential share one mint (single flight);
 * - a failed refresh keeps serving the still-valid token and records the failure, with
 *   background retries backing off; a token is never served past its expiry (minus a margin
 *   for the time it takes to reach the registry);
 * - minted tokens are sealed into a MintedTokenStore when one is given, and read back after a
 *   restart.
 * Tokens are never logged: events and statuses carry times and messages only.
 *
 * Over 300 lines on purpose: freshness, single flight and fallback act on the same entry state,
 * and the rules above are easier to check in one place.
 */
import { Unavailable } from '../domain/errors.ts';
import { type Clock, systemClock } from './clock.ts';
import type { CloudTokenProvider } from './cloud-token.ts';
import {
  type CachedToken,
  type MintedTokenStore,
  openCachedToken,
  sealCachedToken,
  type TokenSealer,
} from './minted-token-store.ts';

export type MintedTokenEvent =
  | {
      readonly type: 'minted';
      readonly key: string;
      readonly kind: string;
      readonly expiresAt: number;
      readonly background: boolean;
    }
  | {
      readonly type: 'mint-failed';
      readonly key: string;
      readonly kind: string;
      readonly message: string;
      readonly servingUntil: number | undefined;
    }
  | { readonly type: 'persist-failed'; readonly key: string; readonly message: string };

export interface MintFailure {
  /** Epoch seconds. */
  readonly at: number;
  readonly message: string;
}

/** What `purser vault check` and metrics report for one credential; no secret in it. */
export interface MintedTokenStatus {
  readonly key: string;
  readonly kind: string;
  readonly mintedAt: number | undefined;
  readonly expiresAt: number | undefined;
  readonly refreshAt: number | undefined;
  readonly mints: number;
  readonly consecutiveFailures: number;
  readonly lastFailure: MintFailure | undefined;
}

export interface MintedTokenCacheOptions {
  readonly clock?: Clock;
  /** Both or neither: tokens are sealed with `sealer` before `store` sees them. */
  readonly store?: MintedTokenStore;
  readonly sealer?: TokenSealer;
  readonly onEvent?: (event: MintedTokenEvent) => void;
  /** A token is treated as expired this many seconds early; default 1. */
  readonly marginSeconds?: number;
  /** How long a `get` waits for a due refresh before serving the still-valid token; default 2 s. */
  readonly staleWaitMs?: number;
  /** Background retry backoff after a failed refresh; default 1 s doubling to 60 s. */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
}

interface Entry {
  readonly key: string;
  provider: CloudTokenProvider;
  token: CachedToken | undefined;
  inFlight: Promise<CachedToken> | undefined;
  loading: Promise<void> | undefined;
  loaded: boolean;
  usedSinceMint: boolean;
  timer: unknown;
  mints: number;
  failures: number;
  lastFailure: MintFailure | undefined;
}

export class MintedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #store: MintedTokenStore | undefined;
  readonly #sealer: TokenSealer | undefined;
  readonly #onEvent: (event: MintedTokenEvent) => void;
  readonly #margin: number;
  readonly #staleWaitMs: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  #closed = false;

  constructor(options: MintedTokenCacheOptions = {}) {
    if ((options.store === undefined) !== (options.sealer === undefined))
      throw new TypeError('MintedTokenCache: give both store and sealer, or neither');
    this.#clock = options.clock ?? systemClock;
    this.#store = options.store;
    this.#sealer = options.sealer;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#margin = options.marginSeconds ?? 1;
    this.#staleWaitMs = options.staleWaitMs ?? 2_000;
    this.#retryInitialMs = options.retryInitialMs ?? 1_000;
    this.#retryMaxMs = options.retryMaxMs ?? 60_000;
  }

  /** A valid token for `key`, minting with `provider` when there is none or one is due. */
  async get(key: string, provider: CloudTokenProvider): Promise<CachedToken> {
    if (this.#closed) throw new TypeError('MintedTokenCache is closed');
    const entry = this.#entry(key, provider);
    if (!entry.loaded) await this.#load(entry);
    const current = entry.token;
    const now = this.#nowSeconds();
    let served: CachedToken;
    if (current && this.#usable(current, now)) {
      served = now < current.refreshAt ? current : await this.#refreshOrKeep(entry, current);
    } else {
      served = await this.#refresh(entry, false);
    }
    entry.usedSinceMint = true;
    return served;
  }

  status(key: string): MintedTokenStatus | undefined {
    const entry = this.#entries.get(key);
    return entry ? describe(entry) : undefined;
  }

  statuses(): MintedTokenStatus[] {
    return [...this.#entries.values()].map(describe);
  }

  /** Stops background refreshes. */
  close(): void {
    this.#closed = true;
    for (const entry of this.#entries.values()) this.#cancelTimer(entry);
  }

  #entry(key: string, provider: CloudTokenProvider): Entry {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = {
        key,
        provider,
        token: undefined,
        inFlight: undefined,
        loading: undefined,
        loaded: this.#store === undefined,
        usedSinceMint: false,
        timer: undefined,
        mints: 0,
        failures: 0,
        lastFailure: undefined,
      };
      this.#entries.set(key, entry);
    }
    entry.provider = provider;
    return entry;
  }

  async #load(entry: Entry): Promise<void> {
    entry.loading ??= (async () => {
      try {
        const sealed = await this.#store!.load(entry.key);
        const token = sealed === undefined ? undefined : openCachedToken(this.#sealer!, entry.key, sealed);
        if (token && !entry.token && this.#usable(token, this.#nowSeconds())) {
          entry.token = token;
          this.#schedule(entry, token.refreshAt);
        }
      } catch (error) {
        this.#onEvent({ type: 'persist-failed', key: entry.key, message: messageOf(error) });
      } finally {
        entry.loaded = true;
        entry.loading = undefined;
      }
    })();
    await entry.loading;
  }

  /** A due refresh: wait a little for it, else (or on failure) serve the still-valid token. */
  async #refreshOrKeep(entry: Entry, current: CachedToken): Promise<CachedToken> {
    const refresh = this.#refresh(entry, false).catch(() => undefined);
    let timer: unknown;
    const waited = new Promise<undefined>((resolve) => {
      timer = this.#clock.setTimeout(() => resolve(undefined), this.#staleWaitMs);
    });
    const fresh = await Promise.race([refresh, waited]);
    this.#clock.clearTimeout(timer);
    if (fresh) return fresh;
    if (this.#usable(current, this.#nowSeconds())) return current;
    // It expired while we waited: only a new token will do.
    return this.#refresh(entry, false);
  }

  #refresh(entry: Entry, background: boolean): Promise<CachedToken> {
    if (entry.inFlight) return entry.inFlight;
    const provider = entry.provider;
    const flight = (async () => {
      let token: CachedToken;
      try {
        const minted = await provider.mint();
        const now = this.#nowSeconds();
        if (!(minted.expiresAt > now + this.#margin))
          throw new Unavailable(
            `the ${provider.kind} token endpoint handed out a token that is already expired`,
          );
        // A token another process minted (and this one adopted) keeps its own half-life.
        const mintedAt = Math.min(minted.mintedAt ?? now, now);
        token = { ...minted, mintedAt, refreshAt: mintedAt + (minted.expiresAt - mintedAt) / 2 };
      } catch (error) {
        entry.failures += 1;
        entry.lastFailure = { at: this.#nowSeconds(), message: messageOf(error) };
        const valid = entry.token && this.#usable(entry.token, this.#nowSeconds()) ? entry.token : undefined;
        this.#onEvent({
          type: 'mint-failed',
          key: entry.key,
          kind: provider.kind,
          message: entry.lastFailure.message,
          servingUntil: valid?.expiresAt,
        });
        if (background && valid) this.#scheduleRetry(entry);
        throw error;
      }
      entry.token = token;
      entry.mints += 1;
      entry.failures = 0;
      entry.usedSinceMint = false;
      this.#schedule(entry, token.refreshAt);
      this.#onEvent({
        type: 'minted',
        key: entry.key,
        kind: provider.kind,
        expiresAt: token.expiresAt,
        background,
      });
      await this.#persist(entry.key, token);
      return token;
    })();
    entry.inFlight = flight;
    const clear = () => {
      if (entry.inFlight === flight) entry.inFlight = undefined;
    };
    flight.then(clear, clear);
    return flight;
  }

  async #persist(key: string, token: CachedToken): Promise<void> {
    if (!this.#store || !this.#sealer) return;
    try {
      await this.#store.save(key, sealCachedToken(this.#sealer, key, token));
    } catch (error) {
      // The token is good in memory; losing its copy only costs a mint after a restart.
      this.#onEvent({ type: 'persist-failed', key, message: messageOf(error) });
    }
  }

  /** At `refreshAt`, a token somebody used is refreshed in the background. */
  #schedule(entry: Entry, refreshAt: number): void {
    this.#cancelTimer(entry);
    if (this.#closed) return;
    const delay = Math.max(0, (refreshAt - this.#nowSeconds()) * 1000);
    entry.timer = this.#clock.setTimeout(() => {
      entry.timer = undefined;
      if (entry.usedSinceMint) this.#refresh(entry, true).catch(() => {});
    }, delay);
  }

  #scheduleRetry(entry: Entry): void {
    this.#cancelTimer(entry);
    if (this.#closed || !entry.token) return;
    const backoff = Math.min(this.#retryInitialMs * 2 ** (entry.failures - 1), this.#retryMaxMs);
    const untilExpiry = (entry.token.expiresAt - this.#margin - this.#nowSeconds()) * 1000;
    if (untilExpiry <= 0) return;
    entry.timer = this.#clock.setTimeout(
      () => {
        entry.timer = undefined;
        this.#refresh(entry, true).catch(() => {});
      },
      Math.min(backoff, untilExpiry),
    );
  }

  #cancelTimer(entry: Entry): void {
    if (entry.timer !== undefined) this.#clock.clearTimeout(entry.timer);
    entry.timer = undefined;
  }

  #usable(token: CachedToken, now: number): boolean {
    return now < token.expiresAt - this.#margin;
  }

  #nowSeconds(): number {
    return this.#clock.now() / 1000;
  }
}

function describe(entry: Entry): MintedTokenStatus {
  return {
    key: entry.key,
    kind: entry.provider.kind,
    mintedAt: entry.token?.mintedAt,
    expiresAt: entry.token?.expiresAt,
    refreshAt: entry.token?.refreshAt,
    mints: entry.mints,
    consecutiveFailures: entry.failures,
    lastFailure: entry.lastFailure,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
