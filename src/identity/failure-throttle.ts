/**
 * Counts failed logins per account and per source address in a sliding window and blocks
 * further attempts past a limit. Memory is bounded: stale buckets are swept as they are met
 * and the tables are capped.
 */
export interface ThrottleOptions {
  readonly windowMs?: number;
  readonly perAccount?: number;
  readonly perSource?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Bucket {
  count: number;
  since: number;
}

export class FailureThrottle {
  readonly #accounts = new Map<string, Bucket>();
  readonly #sources = new Map<string, Bucket>();
  readonly #window: number;
  readonly #perAccount: number;
  readonly #perSource: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: ThrottleOptions = {}) {
    this.#window = options.windowMs ?? 5 * 60_000;
    this.#perAccount = options.perAccount ?? 10;
    this.#perSource = options.perSource ?? 50;
    this.#max = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  blocked(account: string, source: string): boolean {
    return (
      this.#count(this.#accounts, account) >= this.#perAccount ||
      (source !== '' && this.#count(this.#sources, source) >= this.#perSource)
    );
  }

  fail(account: string, source: string): void {
    this.#bump(this.#accounts, account);
    if (source !== '') this.#bump(this.#sources, source);
  }

  succeed(account: string): void {
    this.#accounts.delete(account);
  }

  #count(table: Map<string, Bucket>, key: string): number {
    const bucket = table.get(key);
    if (!bucket) return 0;
    if (this.#now() - bucket.since > this.#window) {
      table.delete(key);
      return 0;
    }
    return bucket.count;
  }

  #bump(table: Map<string, Bucket>, key: string): void {
    const now = this.#now();
    const bucket = table.get(key);
    if (bucket && now - bucket.since <= this.#window) {
      bucket.count += 1;
      return;
    }
    if (table.size >= this.#max) {
      const oldest = table.keys().next().value;
      if (oldest !== undefined) table.delete(oldest);
    }
    table.set(key, { count: 1, since: now });
  }
}
