/**
 * Sets `request.principal` for management and catalog routes: Basic credentials (through the
 * credential cache), a Bearer token Purser issued to the caller with audience = the issuer
 * name (`GET /token?service=<issuer>`), a console session cookie, or anonymous. `/token`
 * authenticates on its own. In local CLI mode every request is the local administrator.
 * A Bearer token stands only for the principal it was issued to (its `pid`, never reused) while
 * that principal may act (domain/standing.ts): a robot past its expiry, a disabled or deleted
 * principal, or a namesake created since, is refused.
 *
 * A request authenticated by the session cookie that changes something (any method but GET,
 * HEAD, OPTIONS) must carry the session's CSRF token in `x-purser-csrf`: the cookie is
 * SameSite=Strict already, the token is the second lock (older browsers, same-site attackers).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authority } from '../../app/authority.ts';
import { LOCAL_ADMINISTRATOR } from '../../app/caller.ts';
import type { ResolvedSession, SessionService } from '../../app/session-service.ts';
import { TokenInvalid, Unauthorized } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import { refusal } from '../../domain/standing.ts';
import { verifyToken } from '../../token/verifier.ts';
import { parseBasic, parseBearer } from '../basic-auth.ts';
import { CONSOLE_HEADER, CSRF_HEADER, SESSION_COOKIE, sessionToken } from './session-cookie.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `ignored`: the route never looks at credentials (health, keys), so bad ones cannot fail it. */
    credentials?: 'ignored';
  }
}

export interface AuthenticateOptions {
  readonly authority: Authority;
  readonly issuer: string;
  readonly localAdmin: boolean;
  readonly sessions: SessionService;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session the request came with, when it was authenticated by its cookie. */
    consoleSession: ResolvedSession | undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const SESSION_PATH = '/api/v1/session';

export function installAuthentication(app: FastifyInstance, options: AuthenticateOptions): void {
  app.decorateRequest('principal', null as never);
  app.decorateRequest('consoleSession', undefined);
  // Callback style: /token (which authenticates on its own) pays no promise here.
  app.addHook('onRequest', (request, _reply, done) => {
    if (options.localAdmin) {
      request.principal = LOCAL_ADMINISTRATOR;
      return done();
    }
    request.principal = ANONYMOUS;
    if (request.url.startsWith('/token') || request.routeOptions.config.credentials === 'ignored')
      return done();
    identify(options, request).then((principal) => {
      request.principal = principal;
      done();
    }, done);
  });
  // The console (which says so in `x-purser-console`) shows its own sign-in page: no browser
  // password prompt on a 401.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.headers[CONSOLE_HEADER] !== undefined) reply.removeHeader('www-authenticate');
    done(null, payload);
  });
}

const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

async function identify(options: AuthenticateOptions, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  const basic = parseBasic(header);
  if (basic) {
    return options.authority.authenticator.authenticate(basic.username, basic.password, request.ip);
  }
  const bearer = parseBearer(header);
  if (!bearer) return fromSession(options, request);
  const claims = verifyToken(bearer, {
    issuer: options.issuer,
    audience: options.issuer,
    keys: options.authority.ring.published,
  });
  const record = options.authority.credential(claims.sub);
  const principal = record ? options.authority.principal(record) : undefined;
  if (!principal || typeof claims.pid !== 'string' || claims.pid !== record?.principalId)
    throw new TokenInvalid('the token subject no longer exists');
  const refused = refusal(principal);
  if (refused) throw new TokenInvalid(`the token subject may not act: ${refused.text}`);
  return principal;
}

async function fromSession(options: AuthenticateOptions, request: FastifyRequest): Promise<Principal> {
  const token = sessionToken(request.headers.cookie);
  if (token === undefined) return ANONYMOUS;
  const session = await options.sessions.resolve(token);
  if (!session) {
    // The console learns that its session ended (instead of quietly seeing what anonymous may);
    // signing in again with the stale cookie still works.
    const signingIn = request.method === 'POST' && request.url.split('?')[0] === SESSION_PATH;
    if (request.headers[CONSOLE_HEADER] !== undefined && !signingIn)
      throw new Unauthorized('your console session has ended: sign in again');
    return ANONYMOUS;
  }
  if (!SAFE_METHODS.has(request.method)) {
    const presented = request.headers[CSRF_HEADER];
    options.sessions.checkCsrf(session, typeof presented === 'string' ? presented : undefined);
  }
  request.consoleSession = session;
  return session.principal;
}

export { SESSION_COOKIE };
