/**
 * Console sessions: sign-in with a username and password through the same authenticator (and
 * the same audited login) as `/token`, a server-side record behind an HttpOnly cookie, and a
 * CSRF token the console sends back on every state-changing request.
 *
 * A session ends on sign-out, on revocation by an administrator, after `idleTimeout` without a
 * request, and as soon as its user is disabled, deleted or changes password (checked against
 * the live model on every request, so it holds across replicas).
 */
import crypto from 'node:crypto';
import { Denied, NotFound, Unauthorized } from '../domain/errors.ts';
import type { Principal } from '../domain/model.ts';
import { mayAct } from '../domain/standing.ts';
import type { ConsoleSessionStore } from '../store/console-session-store.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import type { TokenService } from './token-service.ts';
import type { AccountView } from './user-service.ts';

export interface SessionServiceDeps {
  readonly authority: Authority;
  readonly sessions: ConsoleSessionStore;
  readonly tokens: TokenService;
  /** The issuer name: sign-ins are audited as logins to Purser's own API. */
  readonly issuer: string;
  /** Milliseconds without a request after which a session ends. */
  readonly idleTimeout: number;
  readonly now?: () => number;
  readonly me: (caller: Caller) => Promise<AccountView>;
}

/** What the console learns about its session (never the session token itself). */
export interface SessionView {
  /** Send it back in the `x-purser-csrf` header on every state-changing request. */
  readonly csrfToken: string;
  /** Seconds without a request after which the session ends. */
  readonly idleTimeout: number;
  readonly account: AccountView;
}

export interface StartedSession extends SessionView {
  /** For the cookie only. */
  readonly token: string;
}

export interface ResolvedSession {
  readonly principal: Principal;
  readonly csrfToken: string;
}

/** The one answer to every failed sign-in: nothing tells an unknown user from a wrong password. */
const SIGN_IN_FAILED = 'invalid username or password';

export class SessionService {
  readonly #now: () => number;

  constructor(private readonly deps: SessionServiceDeps) {
    this.#now = deps.now ?? Date.now;
  }

  get idleTimeoutSeconds(): number {
    return Math.round(this.deps.idleTimeout / 1000);
  }

  async signIn(caller: Caller, username: string, password: string): Promise<StartedSession> {
    const { tokens, issuer } = this.deps;
    let principal: Principal;
    try {
      principal = await tokens.login(username, password, tokens.registry(issuer), caller);
    } catch (error) {
      if (error instanceof Unauthorized) throw new Unauthorized(SIGN_IN_FAILED);
      throw error;
    }
    // The console is for people: machine accounts get the same answer as a wrong password.
    if (principal.kind !== 'user') throw new Unauthorized(SIGN_IN_FAILED);
    return this.#start(caller, principal);
  }

  /**
   * A session for a user an identity provider has just vouched for (the console's OIDC sign-in):
   * the caller has checked the login; the user must exist and may act now.
   */
  async startFor(caller: Caller, username: string): Promise<StartedSession> {
    const { authority } = this.deps;
    const record = authority.credential(username);
    const principal = record?.kind === 'user' ? authority.principal(record) : undefined;
    if (!principal || principal.kind !== 'user' || !mayAct(principal, this.#now()))
      throw new Unauthorized(`"${username}" may not sign in to the console`);
    return this.#start(caller, principal);
  }

  async #start(caller: Caller, principal: Extract<Principal, { kind: 'user' }>): Promise<StartedSession> {
    const record = this.deps.authority.credential(principal.user.name);
    if (!record) throw new Unauthorized(SIGN_IN_FAILED);
    const { token, csrfToken } = await this.deps.sessions.create({
      principalKind: 'user',
      principalName: principal.user.name,
      principalId: record.principalId,
      credentialVersion: record.credentialVersion,
      sourceAddress: caller.sourceAddress,
      userAgent: caller.userAgent,
      now: this.#now(),
    });
    const account = await this.deps.me({ ...caller, principal });
    return { token, csrfToken, idleTimeout: this.idleTimeoutSeconds, account };
  }

  /** The principal of a live session, or undefined (and the record is gone) when it has ended. */
  async resolve(token: string): Promise<ResolvedSession | undefined> {
    const { sessions, authority } = this.deps;
    const record = await sessions.find(token);
    if (!record) return undefined;
    const now = this.#now();
    const credential = authority.credential(record.principalName);
    const principal =
      credential && credential.kind === record.principalKind ? authority.principal(credential) : undefined;
    const live =
      now - record.lastSeenAt <= this.deps.idleTimeout &&
      principal !== undefined &&
      // Same principal (never-reused id), same credential version, and it may act now.
      mayAct(principal, now, { presented: record, current: credential });
    if (!live || !principal) {
      await sessions.remove(token);
      return undefined;
    }
    // One write per tenth of the idle timeout at most (and at least every 30 s).
    if (now - record.lastSeenAt >= Math.min(this.deps.idleTimeout / 10, 30_000))
      await sessions.touch(token, now);
    return { principal, csrfToken: record.csrfToken };
  }

  /** Whether `presented` is the session's CSRF token (timing-safe). */
  checkCsrf(session: ResolvedSession, presented: string | undefined): void {
    const expected = Buffer.from(session.csrfToken);
    const given = Buffer.from(presented ?? '');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected))
      throw new Denied('missing or wrong CSRF token: send the x-purser-csrf header the session gave');
  }

  async view(caller: Caller, csrfToken: string): Promise<SessionView> {
    return { csrfToken, idleTimeout: this.idleTimeoutSeconds, account: await this.deps.me(caller) };
  }

  async signOut(token: string): Promise<void> {
    await this.deps.sessions.remove(token);
  }

  /** Ends every console session of a user (administrators). */
  async revokeFor(caller: Caller, name: string): Promise<{ revoked: number }> {
    requireAdmin(caller);
    const credential = this.deps.authority.credential(name);
    if (!credential || credential.kind !== 'user') throw new NotFound(`user "${name}" not found`);
    return { revoked: await this.deps.sessions.removeFor('user', name) };
  }

  /** Housekeeping: deletes records of sessions that ended by idling. */
  async sweep(): Promise<number> {
    return this.deps.sessions.removeIdle(this.#now() - this.deps.idleTimeout);
  }
}
