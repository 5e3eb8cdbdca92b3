/**
 * Tokens recently signed, handed out again instead of signing an identical grant anew (a pull
 * storm asks for the same scopes hundreds of times a second; the ES256 signature is a quarter of
 * each token's cost, and Distribution does not track `jti`).
 *
 * The rules:
 * - the key is everything the token says: subject, audience, the granted access after
 *   intersection (in its canonical order), and the signing key id;
 * - a token is handed out again only while at least `minRemaining` (80 %) of its lifetime is
 *   left, so `expires_in` stays honest: the caller gets its real issue time and what remains;
 * - the owner drops every entry when anything a grant depends on changes (the access model,
 *   a principal, the rules: a new snapshot; the signing keys): `clear()`;
 * - bounded: at most `maxEntries`, the least recently issued go first.
 * Deciding and auditing still happen for every request; only the signature is saved.
 */
import type { ResourceActions } from '../domain/access.ts';

export interface CachedIssue {
  readonly token: string;
  /** Milliseconds since the epoch. */
  readonly issuedAtMs: number;
  /** Milliseconds since the epoch (the token's `exp`). */
  readonly expiresAtMs: number;
}

export interface IssuedTokenCacheOptions {
  /** The lifetime of a fresh token, seconds. */
  readonly lifetime: number;
  /** The share of the lifetime that must remain for a reuse; 0.8 unless told. */
  readonly minRemaining?: number;
  readonly maxEntries?: number;
}

export class IssuedTokenCache {
  readonly #entries = new Map<string, CachedIssue>();
  readonly #minRemainingMs: number;
  readonly #maxEntries: number;

  constructor(options: IssuedTokenCacheOptions) {
    this.#minRemainingMs = options.lifetime * 1000 * (options.minRemaining ?? 0.8);
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached token for this key, if enough of its lifetime remains at `nowMs`. */
  find(key: string, nowMs: number): CachedIssue | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs - nowMs < this.#minRemainingMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  remember(key: string, issued: CachedIssue): void {
    this.#entries.delete(key);
    this.#entries.set(key, issued);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** The cache key of a grant: NUL cannot occur in names, services or actions. */
export function grantKey(
  kid: string,
  subject: string,
  audience: string,
  access: readonly ResourceActions[],
): string {
  let key = `${kid}\0${subject}\0${audience}`;
  for (const a of access) key += `\0${a.type}\0${a.name}\0${a.actions.join(',')}`;
  return key;
}
