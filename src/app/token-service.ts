/**
 * What the token endpoint decides: who the caller is (a password or secret, or a refresh
 * token), what they get (intersect(requested, allowed), possibly empty: a partial grant is
 * never an error), and the signed token. Every login, failed or not, and every token issued is
 * audited; a cached credential check is not a new login.
 *
 * This is the hot path of a registry pull: everything is in memory (the authority's snapshot,
 * its credential cache, the signing key) except refresh-token lookups, which are cached too.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import { formatScopes, type ResourceActions } from '../domain/access.ts';
import { BadRequest, InvalidGrant, TooManyRequests, Unauthorized } from '../domain/errors.ts';
import { type Principal, principalName, type Registry } from '../domain/model.ts';
import { mayAct } from '../domain/standing.ts';
import type { LoginResult, PurserMetrics, TokenOutcome } from '../metrics/purser-metrics.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { RefreshTokenStore } from '../store/refresh-token-store.ts';
import type { IssuedToken } from '../token/token-minter.ts';
import type { Authority } from './authority.ts';
import type { Caller } from './caller.ts';

/**
 * The throttle's account for refresh tokens: a token that is not valid names nobody, so its
 * failures count against the client address (the pair and the address budget).
 */
export const REFRESH_TOKEN_ACCOUNT = '(refresh token)';

export interface TokenServiceDeps {
  readonly authority: Authority;
  readonly refreshTokens: RefreshTokenStore;
  readonly audit: AuditSink;
  /** The `service` that asks for a token for Purser's own API (the issuer name). */
  readonly apiAudience: string;
  /**
   * Read when a name or secret is unknown here: an account another process created a moment ago
   * (`robot add`, then `docker login` at once) logs in without waiting for the change feed.
   */
  readonly changes?: ModelChanges | undefined;
  /** Logins, refresh-token redemptions and issued tokens are counted here when given. */
  readonly metrics?: PurserMetrics | undefined;
}

/** The identity source of a password checked against Purser's own store. */
const LOCAL_SOURCE = 'local';

export class TokenService {
  constructor(private readonly deps: TokenServiceDeps) {}

  /** The registry a token is for (its `auth.token.service`), or Purser's own API. */
  registry(service: string | undefined): Registry {
    const { authority, apiAudience } = this.deps;
    if (!service)
      throw new BadRequest("the service parameter is required (the registry's auth.token.service)");
    if (service === apiAudience && !authority.registry(service)) return apiRegistry(service);
    const registry = authority.registry(service);
    if (!registry)
      throw new BadRequest(
        `unknown service "${service}": no registry with that auth.token.service is configured`,
      );
    return registry;
  }

  /** Checks a name and password or secret; Unauthorized (audited) when they do not match. */
  async login(username: string, password: string, registry: Registry, caller: Caller): Promise<Principal> {
    try {
      const { principal, cached } = await this.#check(username, password, caller.sourceAddress);
      if (!cached) {
        // A person bound to an identity source is counted under that source.
        const bound =
          principal.kind === 'user' ? this.deps.authority.credential(principal.user.name)?.source : null;
        this.deps.metrics?.login(bound ?? LOCAL_SOURCE, 'success');
        void this.deps.audit.record({
          action: 'login',
          actor: username,
          actorKind: principal.kind,
          outcome: 'success',
          service: registry.service,
          sourceAddress: caller.sourceAddress,
          userAgent: caller.userAgent,
        });
      }
      return principal;
    } catch (error) {
      const result: LoginResult =
        error instanceof TooManyRequests ? 'throttled' : error instanceof Unauthorized ? 'failure' : 'error';
      this.deps.metrics?.login(LOCAL_SOURCE, result);
      void this.deps.audit.record({
        action: 'login',
        actor: username.slice(0, 255),
        actorKind: 'anonymous',
        outcome: 'failure',
        service: registry.service,
        sourceAddress: caller.sourceAddress,
        userAgent: caller.userAgent,
        details: { reason: error instanceof Error ? error.message : 'error' },
      });
      throw error;
    }
  }

  async #check(username: string, password: string, sourceAddress: string | undefined) {
    const { authenticator } = this.deps.authority;
    const changes = this.deps.changes;
    // The snapshot the check ran against, taken before it: a change delivered while the check
    // ran (it takes an argon2 verification) must still lead to the second look.
    const seen = this.deps.authority.snapshot.version;
    try {
      return await authenticator.check(username, password, sourceAddress);
    } catch (error) {
      if (!(error instanceof Unauthorized) || !changes) throw error;
      await changes.catchUp();
      if (this.deps.authority.snapshot.version === seen) throw error;
      return authenticator.check(username, password, sourceAddress);
    }
  }

  /**
   * The principal a refresh token stands for, if it is still good: same service, the
   * principal still exists, is the same principal (its never-reused id: a namesake created after
   * a delete is another), may act now, and its credential has not changed since.
   */
  async redeem(token: string, registry: Registry, caller: Caller): Promise<Principal> {
    const { authority, refreshTokens } = this.deps;
    authority.throttle.admit(REFRESH_TOKEN_ACCOUNT, caller.sourceAddress ?? '');
    const record = await refreshTokens.find(token);
    const current = record ? authority.credential(record.principalName) : undefined;
    const principal =
      current && record && current.kind === record.principalKind ? authority.principal(current) : undefined;
    const valid =
      record &&
      record.service === registry.service &&
      record.principalId !== null &&
      principal &&
      mayAct(principal, Date.now(), {
        presented: { principalId: record.principalId, credentialVersion: record.credentialVersion },
        current,
      });
    if (!valid) {
      authority.throttle.failed(REFRESH_TOKEN_ACCOUNT, caller.sourceAddress ?? '');
      // Found but no longer good (credential changed, principal gone or disabled): revoked.
      this.deps.metrics?.refreshRedemption(record ? 'revoked' : 'invalid');
      void this.deps.audit.record({
        action: 'login',
        actor: record?.principalName ?? 'unknown',
        actorKind: record?.principalKind ?? 'anonymous',
        outcome: 'failure',
        service: registry.service,
        sourceAddress: caller.sourceAddress,
        details: { grant: 'refresh_token' },
      });
      throw new InvalidGrant('authentication required');
    }
    authority.throttle.succeeded(REFRESH_TOKEN_ACCOUNT, caller.sourceAddress ?? '');
    void refreshTokens.touch(token).catch(() => {});
    this.deps.metrics?.refreshRedemption('redeemed');
    return principal;
  }

  /** A new refresh token (docker's identity token) bound to the principal and the registry. */
  async createRefreshToken(
    principal: Principal,
    registry: Registry,
    clientId: string | undefined,
  ): Promise<string> {
    if (principal.kind === 'anonymous')
      throw new Unauthorized('anonymous callers cannot get a refresh token');
    const record = this.deps.authority.credential(principalName(principal))!;
    return this.deps.refreshTokens.create({
      principalKind: principal.kind,
      principalName: record.name,
      principalId: record.principalId,
      credentialVersion: record.credentialVersion,
      service: registry.service,
      clientId,
    });
  }

  /** Grants intersect(requested, allowed) per resource and signs the token (audited). */
  issue(
    principal: Principal,
    registry: Registry,
    requested: ResourceActions[],
    caller: Caller,
  ): { granted: ResourceActions[]; issued: IssuedToken; outcome: TokenOutcome } {
    const { authority } = this.deps;
    const granted = authority.authorize(principal, registry, requested, caller.sourceAddress);
    void this.deps.audit.record({
      action: 'token.issue',
      actor: principalName(principal) || 'anonymous',
      actorKind: principal.kind,
      outcome: 'success',
      service: registry.service,
      sourceAddress: caller.sourceAddress,
      userAgent: caller.userAgent,
      details: { requested: formatScopes(requested), granted: formatScopes(granted) },
    });
    const subject = principalName(principal);
    const issued = authority.issuer.issue({
      subject,
      ...(principal.kind === 'anonymous' ? {} : { principalId: authority.credential(subject)?.principalId }),
      audience: registry.service,
      access: granted,
    });
    return { granted, issued, outcome: grantOutcome(requested, granted) };
  }
}

/** full: every requested action granted (or nothing asked); empty: none; partial: some. */
export function grantOutcome(
  requested: readonly ResourceActions[],
  granted: readonly ResourceActions[],
): TokenOutcome {
  const asked = requested.reduce((n, r) => n + r.actions.length, 0);
  const got = granted.reduce((n, g) => n + g.actions.length, 0);
  if (got >= asked) return 'full';
  return got === 0 ? 'empty' : 'partial';
}

/** A registry with no groups: tokens for Purser's own API carry identity, never access. */
function apiRegistry(service: string): Registry {
  return { id: 0, service, url: '', insecure: false, restricted: true, publications: [], responsibles: [] };
}
