/**
 * Checks a name and secret against users, services and robots (one login namespace).
 *
 * - Successful checks are cached for a short time, keyed by a SHA-256 of name and secret under
 *   a random per-process prefix (never the secret itself), and only while the principal's credential
 *   version is unchanged: clients send the same Basic credentials several times per push.
 * - Attempts go through the LoginThrottle (per account and client address, per address, and a
 *   global breaker) before any secret is checked; a cached success is not an attempt.
 * - Every check costs the same work whatever the name (credential-check.ts) and unknown names
 *   get the same reply as wrong secrets.
 * - Identity sources (LDAP, RADIUS, OIDC) go through this same entry point, after Purser's own
 *   accounts: a name with a local record is never given to a source, and a user bound to a source
 *   is asked of that source alone (external-accounts.ts). The throttle and the cache apply alike.
 * - A cached check stands only for the principal it was made for: same principal id (never
 *   reused) and credential version, and the principal may act now (domain/standing.ts).
 */
import crypto from 'node:crypto';
import { Unauthorized, Unavailable } from '../domain/errors.ts';
import type { Principal } from '../domain/model.ts';
import { mayAct } from '../domain/standing.ts';
import type { CredentialRecord } from '../store/access-store.ts';
import { checkCredential, SECRET_HASHING, type SecretHashing } from './credential-check.ts';
import type { ExternalAccounts } from './external-accounts.ts';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle } from './login-throttle.ts';

export interface PrincipalDirectory {
  credential(name: string): CredentialRecord | undefined;
  /** The current principal for a credential record, or undefined when it is gone. */
  principal(record: CredentialRecord): Principal | undefined;
}

export interface AuthenticatorOptions {
  /** Milliseconds a successful check is remembered. */
  readonly cacheTtl?: number;
  readonly cacheSize?: number;
  readonly now?: () => number;
  /** Called after a successful check of an outdated hash (bcrypt) so it can be upgraded. */
  readonly onRehash?: (name: string, password: string) => void;
  /** The throttle of failed attempts (a default one when absent). */
  readonly throttle?: LoginThrottle;
  /** The hash functions (tests count their calls). */
  readonly hashing?: SecretHashing;
}

interface CacheEntry {
  readonly name: string;
  readonly principalId: string;
  readonly credentialVersion: number;
  readonly expires: number;
}

export class CredentialAuthenticator {
  readonly #cacheKey = crypto.randomBytes(32).toString('base64url');
  readonly #cache = new Map<string, CacheEntry>();
  readonly throttle: LoginThrottle;
  readonly #hashing: SecretHashing;
  readonly #ttl: number;
  readonly #size: number;
  readonly #now: () => number;
  #external: ExternalAccounts | undefined;

  constructor(
    private readonly directory: PrincipalDirectory,
    private readonly options: AuthenticatorOptions = {},
  ) {
    this.#ttl = options.cacheTtl ?? 60_000;
    this.#size = options.cacheSize ?? 10_000;
    this.#now = options.now ?? Date.now;
    this.throttle = options.throttle ?? new LoginThrottle(DEFAULT_LOGIN_THROTTLE, this.#now);
    this.#hashing = options.hashing ?? SECRET_HASHING;
  }

  async authenticate(name: string, secret: string, sourceAddress = ''): Promise<Principal> {
    return (await this.check(name, secret, sourceAddress)).principal;
  }

  /** Like authenticate, and says whether the secret was verified now or a cached check was reused. */
  async check(
    name: string,
    secret: string,
    sourceAddress = '',
  ): Promise<{ principal: Principal; cached: boolean }> {
    const now = this.#now();
    // One-shot keyed hash (length-prefixed name, so no two name/secret pairs share an input):
    // never the secret itself, and cheaper than an HMAC object on every token request.
    const key = crypto.hash('sha256', `${this.#cacheKey}${name.length}:${name}:${secret}`, 'base64url');
    const cached = this.#cache.get(key);
    if (cached && cached.expires > now) {
      const record = this.directory.credential(cached.name);
      const principal = record ? this.directory.principal(record) : undefined;
      if (principal && mayAct(principal, now, { presented: cached, current: record })) {
        return { principal, cached: true };
      }
      this.#cache.delete(key);
    }

    this.throttle.admit(name, sourceAddress);
    const local = this.directory.credential(name);
    if (this.#external && (!local || local.source !== null)) {
      return this.#checkExternal(
        this.#external,
        key,
        name,
        secret,
        sourceAddress,
        local?.source ?? undefined,
      );
    }
    const record = local;
    const check = await checkCredential(record, secret, this.#hashing);
    const principal = check.ok && record ? this.directory.principal(record) : undefined;
    if (!record || !principal || !mayAct(principal, now)) {
      this.throttle.failed(name, sourceAddress);
      throw new Unauthorized('bad credentials');
    }
    if (check.needsRehash) this.options.onRehash?.(name, secret);
    this.throttle.succeeded(name, sourceAddress);
    this.#remember(key, record);
    return { principal, cached: false };
  }

  /** Sends names without a local account, and users bound to a source, to the identity sources. */
  useSources(external: ExternalAccounts | undefined): void {
    this.#external = external;
    this.#cache.clear();
  }

  async #checkExternal(
    external: ExternalAccounts,
    key: string,
    name: string,
    secret: string,
    sourceAddress: string,
    boundTo: string | undefined,
  ): Promise<{ principal: Principal; cached: boolean }> {
    // The same local work as any other name (credential-check.ts), next to the sources.
    const [result] = await Promise.all([
      external.authenticate(name, secret, boundTo),
      checkCredential(undefined, secret, this.#hashing),
    ]);
    if (result.outcome === 'unavailable') {
      throw new Unavailable(
        `the identity source ${result.sources.join(', ')} cannot be reached; try again later`,
      );
    }
    const record = result.outcome === 'accepted' ? this.directory.credential(result.name) : undefined;
    const principal = record ? this.directory.principal(record) : undefined;
    if (!principal || !record || !mayAct(principal, this.#now())) {
      this.throttle.failed(name, sourceAddress);
      throw new Unauthorized('bad credentials');
    }
    this.throttle.succeeded(name, sourceAddress);
    this.#remember(key, record);
    return { principal, cached: false };
  }

  #remember(key: string, record: CredentialRecord): void {
    if (this.#cache.size >= this.#size) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    this.#cache.set(key, {
      name: record.name,
      principalId: record.principalId,
      credentialVersion: record.credentialVersion,
      expires: this.#now() + this.#ttl,
    });
  }

  /**
   * Drops cached checks whose principal is gone, was re-created, changed its credential or may
   * no longer act (called when a new model snapshot is installed: revocation clears the cache).
   */
  prune(): void {
    const now = this.#now();
    for (const [key, entry] of this.#cache) {
      const record = this.directory.credential(entry.name);
      const principal = record ? this.directory.principal(record) : undefined;
      if (!principal || !mayAct(principal, now, { presented: entry, current: record }))
        this.#cache.delete(key);
    }
  }

  /** Forget every cached check (after a bulk change). */
  clear(): void {
    this.#cache.clear();
  }
}
