/**
 * The token endpoint: Docker token auth (GET) and its OAuth2 form (POST).
 *
 * Every request that authenticates gets a token: its `access` holds, per requested resource,
 * intersect(requested, allowed) — possibly empty. A partial grant is never an error.
 * Bad credentials are 401 on both forms (containerd falls back from POST to GET only on
 * 400/401/404/405), never 403 or 5xx.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authority } from '../../app/authority.ts';
import type { AuditSink } from '../../audit/audit-entry.ts';
import { formatScopes, parseScopes, type ResourceActions } from '../../domain/access.ts';
import { BadRequest, InvalidGrant, Unauthorized, UnsupportedGrant } from '../../domain/errors.ts';
import { type Principal, principalName, type Registry } from '../../domain/model.ts';
import type { RefreshTokenStore } from '../../store/refresh-token-store.ts';
import type { IssuedToken } from '../../token/token-minter.ts';
import { parseBasic } from '../basic-auth.ts';

export interface TokenRouteDeps {
  readonly authority: Authority;
  readonly refreshTokens: RefreshTokenStore;
  readonly audit: AuditSink;
  /** The `realm` of the Basic challenge on bad credentials. */
  readonly realm: string;
  /** `service` value that asks for a token for Purser's own API (the issuer name). */
  readonly apiAudience: string;
}

type Query = Record<string, string | string[] | undefined>;

export async function tokenRoutes(app: FastifyInstance, deps: TokenRouteDeps): Promise<void> {
  const basicChallenge = { 'www-authenticate': `Basic realm="${deps.realm}"` };

  app.get('/token', { config: { surface: 'registry' } }, async (request, reply) => {
    const query = request.query as Query;
    const registry = requireRegistry(deps, one(query, 'service'));
    const scopes = parseScopes(many(query, 'scope'));
    let credentials: ReturnType<typeof parseBasic>;
    try {
      credentials = parseBasic(request.headers.authorization);
    } catch (error) {
      throw withHeaders(error, basicChallenge);
    }
    const account = one(query, 'account');
    if (account !== undefined && credentials && account !== credentials.username) {
      throw new BadRequest('the account parameter does not match the authenticated user');
    }
    let principal: Principal = { kind: 'anonymous' };
    if (credentials) {
      principal = await login(
        deps,
        request,
        credentials.username,
        credentials.password,
        registry,
        basicChallenge,
      );
    }
    const granted = grant(deps, request, principal, registry, scopes);
    const issued = deps.authority.issuer.issue({
      subject: principalName(principal),
      audience: registry.service,
      access: granted,
    });
    const refreshToken =
      one(query, 'offline_token') === 'true' && principal.kind !== 'anonymous'
        ? await createRefreshToken(deps, principal, registry, one(query, 'client_id'))
        : undefined;
    return sendToken(reply, issued, refreshToken);
  });

  app.post('/token', { config: { surface: 'oauth' } }, async (request, reply) => {
    const form = (request.body ?? {}) as Query;
    if (typeof form !== 'object') throw new BadRequest('expected an application/x-www-form-urlencoded body');
    const grantType = one(form, 'grant_type');
    const registry = requireRegistry(deps, one(form, 'service'));
    const scopes = parseScopes(many(form, 'scope'));
    let principal: Principal;
    let refreshToken: string | undefined;
    if (grantType === 'password') {
      const username = one(form, 'username');
      const password = one(form, 'password');
      if (!username || password === undefined)
        throw new BadRequest('grant_type=password needs username and password');
      principal = await login(deps, request, username, password, registry, {});
      if (one(form, 'access_type') === 'offline') {
        refreshToken = await createRefreshToken(deps, principal, registry, one(form, 'client_id'));
      }
    } else if (grantType === 'refresh_token') {
      refreshToken = one(form, 'refresh_token');
      if (!refreshToken) throw new BadRequest('grant_type=refresh_token needs refresh_token');
      principal = await redeem(deps, request, refreshToken, registry);
    } else if (grantType === undefined) {
      throw new BadRequest('grant_type is required');
    } else {
      throw new UnsupportedGrant(
        `grant_type "${grantType}" is not supported (use password or refresh_token)`,
      );
    }
    const granted = grant(deps, request, principal, registry, scopes);
    const issued = deps.authority.issuer.issue({
      subject: principalName(principal),
      audience: registry.service,
      access: granted,
    });
    return sendToken(reply, issued, refreshToken, formatScopes(granted.filter((g) => g.actions.length > 0)));
  });
}

/**
 * The token response, written as a JSON string: `token` (Docker), `access_token`, `token_type`
 * and `scope` (OAuth2, POST only), `expires_in`, `issued_at`, and `refresh_token` when one was
 * issued or redeemed. Tokens and timestamps are base64url and ISO text; the rest is escaped.
 */
function sendToken(
  reply: FastifyReply,
  issued: IssuedToken,
  refreshToken: string | undefined,
  oauthScope?: string,
): FastifyReply {
  let body = `{"token":"${issued.token}","access_token":"${issued.token}"`;
  if (oauthScope !== undefined) body += `,"token_type":"Bearer","scope":${JSON.stringify(oauthScope)}`;
  body += `,"expires_in":${issued.expiresIn},"issued_at":"${issued.issuedAt}"`;
  if (refreshToken !== undefined) body += `,"refresh_token":${JSON.stringify(refreshToken)}`;
  return reply
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json; charset=utf-8')
    .send(`${body}}`);
}

function requireRegistry(deps: TokenRouteDeps, service: string | undefined): Registry {
  if (!service) throw new BadRequest("the service parameter is required (the registry's auth.token.service)");
  if (service === deps.apiAudience && !deps.authority.registry(service)) return apiRegistry(service);
  const registry = deps.authority.registry(service);
  if (!registry)
    throw new BadRequest(
      `unknown service "${service}": no registry with that auth.token.service is configured`,
    );
  return registry;
}

/** A registry with no groups: tokens for Purser's own API carry identity, never access. */
function apiRegistry(service: string): Registry {
  return { id: 0, service, url: '', insecure: false, restricted: true, publications: [], responsibles: [] };
}

async function login(
  deps: TokenRouteDeps,
  request: FastifyRequest,
  username: string,
  password: string,
  registry: Registry,
  challenge: Record<string, string>,
): Promise<Principal> {
  try {
    const { principal, cached } = await deps.authority.authenticator.check(username, password, request.ip);
    // A login is a verification of the secret; reusing a cached check is not a new login.
    if (!cached) {
      void deps.audit.record({
        action: 'login',
        actor: username,
        actorKind: principal.kind,
        outcome: 'success',
        service: registry.service,
        sourceAddress: request.ip,
        userAgent: request.headers['user-agent'],
      });
    }
    return principal;
  } catch (error) {
    void deps.audit.record({
      action: 'login',
      actor: username.slice(0, 255),
      actorKind: 'anonymous',
      outcome: 'failure',
      service: registry.service,
      sourceAddress: request.ip,
      userAgent: request.headers['user-agent'],
      details: { reason: error instanceof Error ? error.message : 'error' },
    });
    throw withHeaders(error, challenge);
  }
}

async function redeem(
  deps: TokenRouteDeps,
  request: FastifyRequest,
  token: string,
  registry: Registry,
): Promise<Principal> {
  const record = await deps.refreshTokens.find(token);
  const current = record ? deps.authority.credential(record.principalName) : undefined;
  const principal =
    current && record && current.kind === record.principalKind
      ? deps.authority.principal(current)
      : undefined;
  const valid =
    record &&
    record.service === registry.service &&
    current?.credentialVersion === record.credentialVersion &&
    principal &&
    enabled(principal);
  if (!valid) {
    void deps.audit.record({
      action: 'login',
      actor: record?.principalName ?? 'unknown',
      actorKind: record?.principalKind ?? 'anonymous',
      outcome: 'failure',
      service: registry.service,
      sourceAddress: request.ip,
      details: { grant: 'refresh_token' },
    });
    throw new InvalidGrant('authentication required');
  }
  void deps.refreshTokens.touch(token).catch(() => {});
  return principal;
}

function enabled(principal: Principal): boolean {
  if (principal.kind === 'user') return !principal.user.disabled;
  if (principal.kind === 'service') return !principal.service.disabled;
  if (principal.kind === 'robot')
    return (
      !principal.robot.disabled &&
      (principal.robot.expiresAt === null || principal.robot.expiresAt > Date.now())
    );
  return true;
}

async function createRefreshToken(
  deps: TokenRouteDeps,
  principal: Principal,
  registry: Registry,
  clientId: string | undefined,
): Promise<string> {
  if (principal.kind === 'anonymous') throw new Unauthorized('anonymous callers cannot get a refresh token');
  const record = deps.authority.credential(principalName(principal))!;
  return deps.refreshTokens.create({
    principalKind: principal.kind,
    principalName: record.name,
    credentialVersion: record.credentialVersion,
    service: registry.service,
    clientId,
  });
}

function grant(
  deps: TokenRouteDeps,
  request: FastifyRequest,
  principal: Principal,
  registry: Registry,
  requested: ResourceActions[],
): ResourceActions[] {
  const granted = deps.authority.authorize(principal, registry, requested, request.ip);
  void deps.audit.record({
    action: 'token.issue',
    actor: principalName(principal) || 'anonymous',
    actorKind: principal.kind,
    outcome: 'success',
    service: registry.service,
    sourceAddress: request.ip,
    userAgent: request.headers['user-agent'],
    details: { requested: formatScopes(requested), granted: formatScopes(granted) },
  });
  return granted;
}

function one(query: Query, key: string): string | undefined {
  const value = query[key];
  if (Array.isArray(value)) {
    if (new Set(value).size > 1)
      throw new BadRequest(`the ${key} parameter was given more than once with different values`);
    return value[0];
  }
  return value;
}

function many(query: Query, key: string): string[] {
  const value = query[key];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function withHeaders(error: unknown, headers: Record<string, string>): unknown {
  if (error instanceof Unauthorized) {
    Object.assign(error.headers, headers);
  }
  return error;
}
