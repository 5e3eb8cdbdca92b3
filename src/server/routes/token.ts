/**
 * The token endpoint: Docker token auth (GET) and its OAuth2 form (POST).
 *
 * Every request that authenticates gets a token: its `access` holds, per requested resource,
 * intersect(requested, allowed) — possibly empty. A partial grant is never an error.
 * Bad credentials are 401 on both forms (containerd falls back from POST to GET only on
 * 400/401/404/405), never 403 or 5xx.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenService } from '../../app/token-service.ts';
import { formatScopes, parseScopes } from '../../domain/access.ts';
import { AuthorityError, BadRequest, Unauthorized, UnsupportedGrant } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import { type PurserMetrics, secondsSince, type TokenOutcome } from '../../metrics/purser-metrics.ts';
import type { IssuedToken } from '../../token/token-minter.ts';
import { parseBasic } from '../basic-auth.ts';
import { callerOf } from './api/caller.ts';

export interface TokenRouteDeps {
  readonly tokens: TokenService;
  /** The `realm` of the Basic challenge on bad credentials. */
  readonly realm: string;
  readonly metrics?: PurserMetrics | undefined;
}

/** What a handler reports for the metrics: the registry and outcome of the token it issued. */
type Issued = { registry: string; outcome: TokenOutcome };

type Query = Record<string, string | string[] | undefined>;

export async function tokenRoutes(app: FastifyInstance, deps: TokenRouteDeps): Promise<void> {
  const { tokens } = deps;
  const basicChallenge = { 'www-authenticate': `Basic realm="${deps.realm}"` };
  // Every answer is timed; an issued token is counted by registry and outcome.
  const observed =
    (
      handler: (request: FastifyRequest, reply: FastifyReply, done: (i: Issued) => void) => Promise<unknown>,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const started = process.hrtime.bigint();
      let issued: Issued | undefined;
      try {
        const sent = await handler(request, reply, (i) => {
          issued = i;
        });
        deps.metrics?.tokenRequest({ result: 'issued', seconds: secondsSince(started), ...issued });
        return sent;
      } catch (error) {
        const refused = error instanceof AuthorityError && error.status < 500;
        deps.metrics?.tokenRequest({ result: refused ? 'refused' : 'error', seconds: secondsSince(started) });
        throw error;
      }
    };

  app.get(
    '/token',
    { config: { surface: 'registry' } },
    observed(async (request, reply, done) => {
      const query = request.query as Query;
      const caller = callerOf(request);
      const registry = tokens.registry(one(query, 'service'));
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
        principal = await tokens
          .login(credentials.username, credentials.password, registry, caller)
          .catch((error: unknown) => {
            throw withHeaders(error, basicChallenge);
          });
      }
      const { issued, outcome } = tokens.issue(principal, registry, scopes, caller);
      const refreshToken =
        one(query, 'offline_token') === 'true' && principal.kind !== 'anonymous'
          ? await tokens.createRefreshToken(principal, registry, one(query, 'client_id'))
          : undefined;
      done({ registry: registry.service, outcome });
      return sendToken(reply, issued, refreshToken);
    }),
  );

  app.post(
    '/token',
    { config: { surface: 'oauth' } },
    observed(async (request, reply, done) => {
      // RFC 6749 §4.3.2 and Docker's OAuth2 flow send a form; JSON or anything else is refused.
      if (request.body !== undefined && !isForm(request.headers['content-type']))
        throw new BadRequest('POST /token takes an application/x-www-form-urlencoded body');
      const form = (request.body ?? {}) as Query;
      const caller = callerOf(request);
      const grantType = one(form, 'grant_type');
      const registry = tokens.registry(one(form, 'service'));
      const scopes = parseScopes(many(form, 'scope'));
      let principal: Principal;
      let refreshToken: string | undefined;
      if (grantType === 'password') {
        const username = one(form, 'username');
        const password = one(form, 'password');
        if (!username || password === undefined)
          throw new BadRequest('grant_type=password needs username and password');
        principal = await tokens.login(username, password, registry, caller);
        if (one(form, 'access_type') === 'offline') {
          refreshToken = await tokens.createRefreshToken(principal, registry, one(form, 'client_id'));
        }
      } else if (grantType === 'refresh_token') {
        refreshToken = one(form, 'refresh_token');
        if (!refreshToken) throw new BadRequest('grant_type=refresh_token needs refresh_token');
        principal = await tokens.redeem(refreshToken, registry, caller);
      } else if (grantType === undefined) {
        throw new BadRequest('grant_type is required');
      } else {
        throw new UnsupportedGrant(
          `grant_type "${grantType}" is not supported (use password or refresh_token)`,
        );
      }
      const { granted, issued, outcome } = tokens.issue(principal, registry, scopes, caller);
      done({ registry: registry.service, outcome });
      return sendToken(
        reply,
        issued,
        refreshToken,
        formatScopes(granted.filter((g) => g.actions.length > 0)),
      );
    }),
  );
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

function isForm(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

function one(query: Query, key: string): string | undefined {
  const value = many(query, key);
  if (new Set(value).size > 1)
    throw new BadRequest(`the ${key} parameter was given more than once with different values`);
  return value[0];
}

/** Every value of a parameter; each must be text (a form or query string gives nothing else). */
function many(query: Query, key: string): string[] {
  const value: unknown = query[key];
  if (value === undefined) return [];
  const values: unknown[] = Array.isArray(value) ? value : [value];
  if (!values.every((v) => typeof v === 'string')) throw new BadRequest(`the ${key} parameter must be text`);
  return values as string[];
}

function withHeaders(error: unknown, headers: Record<string, string>): unknown {
  if (error instanceof Unauthorized) {
    Object.assign(error.headers, headers);
  }
  return error;
}
