/**
 * Slows down password guessing without locking out the people it protects. Every login path
 * (local users, services, robots, refresh tokens, identity sources) asks `admit` before it
 * checks a secret and reports `failed` or `succeeded` after.
 *
 * - Failures are counted per (account, client address) pair: after `freeFailures` failures in a
 *   row, each further failure makes that pair wait, starting at `baseDelayMs` and doubling up to
 *   `maxDelayMs`. The same account from another address is not affected, so nobody can lock a
 *   user out by failing on purpose; a success ends the pair's streak.
 * - Each address has a budget of `addressFailures` failures per `addressWindowMs`, whatever the
 *   accounts: past it, that address waits for the end of its window (password spraying).
 * - A global circuit breaker opens when all addresses together fail `globalFailures` times in
 *   `globalWindowMs` (a distributed attack): while it is open, addresses that failed during the
 *   window wait for it to close, and addresses that have not failed are served as usual.
 *
 * State is in memory, bounded by `maxEntries` per table (least recently failing first out).
 * `unlock(account)` forgets an account's pairs (`purser user unlock`).
 */
import { TooManyRequests } from '../domain/errors.ts';

export interface LoginThrottleSettings {
  readonly freeFailures: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly addressFailures: number;
  readonly addressWindowMs: number;
  readonly globalFailures: number;
  readonly globalWindowMs: number;
  readonly maxEntries?: number;
}

/** The defaults of `login_throttle:` (config/schema.ts takes them from here). */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottleSettings = Object.freeze({
  freeFailures: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 900_000,
  addressFailures: 100,
  addressWindowMs: 900_000,
  globalFailures: 1_000,
  globalWindowMs: 60_000,
});

interface PairState {
  failures: number;
  blockedUntil: number;
  last: number;
}

interface WindowCount {
  count: number;
  start: number;
  last: number;
}

export class LoginThrottle {
  readonly #pairs = new Map<string, PairState>();
  readonly #addresses = new Map<string, WindowCount>();
  readonly #global: WindowCount = { count: 0, start: 0, last: 0 };
  #breakerOpenUntil = 0;
  readonly #settings: LoginThrottleSettings;
  readonly #max: number;
  readonly #now: () => number;

  constructor(settings: LoginThrottleSettings, now: () => number = Date.now) {
    this.#settings = settings;
    this.#max = settings.maxEntries ?? 100_000;
    this.#now = now;
  }

  /** Throws TooManyRequests (with `Retry-After`) when this attempt must wait. */
  admit(account: string, address: string): void {
    const wait = this.waitMs(account, address);
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      throw new TooManyRequests(`too many failed login attempts; retry in ${seconds} s`, {
        headers: { 'retry-after': String(seconds) },
      });
    }
  }

  /** Milliseconds this (account, address) attempt must wait; 0 when it may go ahead. */
  waitMs(account: string, address: string): number {
    const now = this.#now();
    let until = this.#pairs.get(pairKey(account, address))?.blockedUntil ?? 0;
    const budget = this.#addresses.get(address);
    if (budget) {
      const inWindow = now - budget.start < this.#settings.addressWindowMs;
      if (inWindow && budget.count >= this.#settings.addressFailures)
        until = Math.max(until, budget.start + this.#settings.addressWindowMs);
      if (this.#breakerOpenUntil > now && now - budget.last < this.#settings.globalWindowMs)
        until = Math.max(until, this.#breakerOpenUntil);
    }
    return Math.max(0, until - now);
  }

  failed(account: string, address: string): void {
    const now = this.#now();
    const s = this.#settings;
    const key = pairKey(account, address);
    const pair = this.#pairs.get(key) ?? { failures: 0, blockedUntil: 0, last: now };
    pair.failures += 1;
    pair.last = now;
    const over = pair.failures - s.freeFailures;
    if (over > 0) {
      // 2^(over-1) grows past maxDelayMs long before it overflows; cap the exponent anyway.
      pair.blockedUntil = now + Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** Math.min(over - 1, 40));
    }
    this.#touch(this.#pairs, key, pair);
    this.#touch(
      this.#addresses,
      address,
      this.#counted(this.#addresses.get(address), now, s.addressWindowMs),
    );
    const global = this.#counted(this.#global, now, s.globalWindowMs);
    Object.assign(this.#global, global);
    if (global.count >= s.globalFailures && this.#breakerOpenUntil <= now)
      this.#breakerOpenUntil = now + s.globalWindowMs;
  }

  /** A success ends the pair's streak (the address budget and the breaker keep counting). */
  succeeded(account: string, address: string): void {
    this.#pairs.delete(pairKey(account, address));
  }

  /** Forgets every pair of the account; returns how many addresses were waiting or counting. */
  unlock(account: string): number {
    const prefix = `${account.length}:${account}\n`;
    let removed = 0;
    for (const key of this.#pairs.keys()) {
      if (key.startsWith(prefix)) {
        this.#pairs.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  /** Whether the global circuit breaker is open now. */
  get breakerOpen(): boolean {
    return this.#breakerOpenUntil > this.#now();
  }

  #counted(current: WindowCount | undefined, now: number, windowMs: number): WindowCount {
    if (!current || now - current.start >= windowMs) return { count: 1, start: now, last: now };
    return { count: current.count + 1, start: current.start, last: now };
  }

  /** Re-inserts the entry so the map's order is least recently failing first, and caps it. */
  #touch<T>(table: Map<string, T>, key: string, value: T): void {
    table.delete(key);
    if (table.size >= this.#max) {
      const oldest = table.keys().next().value;
      if (oldest !== undefined) table.delete(oldest);
    }
    table.set(key, value);
  }
}

/** Length-prefixed, so no two (account, address) pairs share a key. */
function pairKey(account: string, address: string): string {
  return `${account.length}:${account}\n${address}`;
}
