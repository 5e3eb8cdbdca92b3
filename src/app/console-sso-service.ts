/**
 * The console's "Sign in with …": the authorization-code flow with PKCE through the server,
 * ending in the same server-side session as the password form.
 *
 * - `begin` sends the browser to the provider with state, nonce and a PKCE challenge. What the
 *   provider and the browser must not learn (the verifier, state, nonce) is sealed with the
 *   data directory's key and handed back for an HttpOnly cookie: any worker or replica sharing
 *   the data directory can finish the login, and nothing is kept in memory between the calls.
 * - `finish` opens it, exchanges the callback's code, binds the person to their Purser user
 *   (the source's mappings, as at a CLI login) and starts a console session. No CLI secret is
 *   issued: `purser login --sso` does that.
 * - A failed or cancelled login is sealed the same way (`sealFailure`), so the sign-in page shows
 *   the server's own message without taking any text from the URL.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { AuthorityError, Unauthorized } from '../domain/errors.ts';
import type { PendingAuthorization } from '../identity/sources/oidc-relying-party.ts';
import type { Caller } from './caller.ts';
import type { SessionService, StartedSession } from './session-service.ts';
import type { SsoService } from './sso-service.ts';

/** Where the provider sends the browser back, under Purser's public URL. */
export const CONSOLE_SSO_CALLBACK = '/api/v1/session/sso/callback';

export interface ConsoleSsoSource {
  /** The identity source's name (what the start URL takes). */
  readonly name: string;
  /** What the button says after "Sign in with". */
  readonly label: string;
}

export interface ConsoleSsoDeps {
  readonly sso: SsoService;
  readonly sessions: SessionService;
  readonly box: SecretBox;
  readonly audit: AuditSink;
  readonly publicUrl: string;
  readonly issuer: string;
  readonly now?: () => number;
}

interface SealedPending extends PendingAuthorization {
  readonly kind: 'pending';
  readonly source: string;
}

interface SealedFailure {
  readonly kind: 'failure';
  readonly message: string;
  readonly expiresAt: number;
}

const AAD = 'console:sso';
const FAILURE_TTL_MS = 5 * 60_000;

export class ConsoleSsoService {
  readonly #now: () => number;

  constructor(private readonly deps: ConsoleSsoDeps) {
    this.#now = deps.now ?? Date.now;
  }

  get redirectUri(): string {
    return `${this.deps.publicUrl.replace(/\/+$/, '')}${CONSOLE_SSO_CALLBACK}`;
  }

  sources(): ConsoleSsoSource[] {
    return this.deps.sso.oidcSources().map((s) => ({ name: s.name, label: s.displayName }));
  }

  /** The provider's authorization URL and the sealed state to keep in the browser's cookie. */
  async begin(sourceName: string): Promise<{ url: string; sealed: string }> {
    const source = this.deps.sso.oidcSource(sourceName);
    const { url, pending } = await source.relyingParty.beginAuthorization({
      redirectUri: this.redirectUri,
      now: this.#now(),
    });
    const sealed: SealedPending = { kind: 'pending', source: source.name, ...pending };
    return { url: url.href, sealed: this.deps.box.seal(JSON.stringify(sealed), AAD) };
  }

  /** Completes the login the sealed cookie started, from the callback's query string. */
  async finish(caller: Caller, sealed: string | undefined, query: string): Promise<StartedSession> {
    const pending = this.#open(sealed);
    if (pending?.kind !== 'pending')
      throw new Unauthorized(
        'the single sign-on was not started from this browser or took too long: try again',
      );
    const source = this.deps.sso.oidcSource(pending.source);
    const callback = new URL(`${this.redirectUri}${query.startsWith('?') ? query : `?${query}`}`);
    const failure = (reason: string) =>
      void this.deps.audit.record({
        action: 'login',
        actor: 'unknown',
        actorKind: 'anonymous',
        outcome: 'failure',
        service: this.deps.issuer,
        sourceAddress: caller.sourceAddress,
        userAgent: caller.userAgent,
        details: { source: source.name, reason },
      });
    const refused = callback.searchParams.get('error');
    if (refused !== null) {
      failure(refused);
      throw new Unauthorized(
        refused === 'access_denied'
          ? `the sign-in at ${source.displayName} was cancelled or refused`
          : `${source.displayName} refused the sign-in: ${refused.slice(0, 100)}`,
      );
    }
    let username: string;
    try {
      const login = await source.relyingParty.finishAuthorization(callback, pending, this.#now());
      username = login.identity.username;
      await this.deps.sso.bindLogin(source, login, 'the console cannot be opened');
    } catch (error) {
      failure(error instanceof Error ? error.message : 'error');
      throw error;
    }
    const started = await this.deps.sessions.startFor(caller, username);
    void this.deps.audit.record({
      action: 'login',
      actor: username,
      actorKind: 'user',
      outcome: 'success',
      service: this.deps.issuer,
      sourceAddress: caller.sourceAddress,
      userAgent: caller.userAgent,
      details: { source: source.name, flow: 'console-sso' },
    });
    return started;
  }

  /** Seals why a login failed, for the sign-in page to ask once (`failure`). */
  sealFailure(error: unknown): string {
    const message =
      error instanceof AuthorityError && error.expose
        ? error.message
        : 'the single sign-on failed on the server: try again, or sign in with a password';
    const failure: SealedFailure = { kind: 'failure', message, expiresAt: this.#now() + FAILURE_TTL_MS };
    return this.deps.box.seal(JSON.stringify(failure), AAD);
  }

  /** The message of a failed login sealed by `sealFailure`, or undefined. */
  failure(sealed: string | undefined): string | undefined {
    const opened = this.#open(sealed);
    return opened?.kind === 'failure' ? opened.message : undefined;
  }

  #open(sealed: string | undefined): SealedPending | SealedFailure | undefined {
    if (sealed === undefined || sealed === '') return undefined;
    let value: SealedPending | SealedFailure;
    try {
      value = JSON.parse(this.deps.box.open(sealed, AAD)) as SealedPending | SealedFailure;
    } catch {
      return undefined;
    }
    return value.expiresAt >= this.#now() ? value : undefined;
  }
}
