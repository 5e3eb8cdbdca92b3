/**
 * Sets `request.principal` for management and catalog routes: Basic credentials (through the
 * credential cache), a Bearer token Purser issued to the caller with audience = the issuer
 * name (`GET /token?service=<issuer>`), or anonymous. `/token` authenticates on its own.
 * A Bearer token stands only for the principal it was issued to (its `pid`, never reused) while
 * that principal may act (domain/standing.ts): a robot past its expiry, a disabled or deleted
 * principal, or a namesake created since, is refused.
 * In local CLI mode every request is the local administrator.
 */
import type { FastifyInstance } from 'fastify';
import type { Authority } from '../../app/authority.ts';
import { LOCAL_ADMINISTRATOR } from '../../app/caller.ts';
import { TokenInvalid } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import { refusal } from '../../domain/standing.ts';
import { verifyToken } from '../../token/verifier.ts';
import { parseBasic, parseBearer } from '../basic-auth.ts';

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
}

export function installAuthentication(app: FastifyInstance, options: AuthenticateOptions): void {
  app.decorateRequest('principal', null as never);
  // Callback style: /token (which authenticates on its own) pays no promise here.
  app.addHook('onRequest', (request, _reply, done) => {
    if (options.localAdmin) {
      request.principal = LOCAL_ADMINISTRATOR;
      return done();
    }
    request.principal = ANONYMOUS;
    if (request.url.startsWith('/token') || request.routeOptions.config.credentials === 'ignored')
      return done();
    identify(options, request.headers.authorization, request.ip).then((principal) => {
      request.principal = principal;
      done();
    }, done);
  });
}

const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

async function identify(
  options: AuthenticateOptions,
  header: string | undefined,
  sourceAddress: string,
): Promise<Principal> {
  const basic = parseBasic(header);
  if (basic) {
    return options.authority.authenticator.authenticate(basic.username, basic.password, sourceAddress);
  }
  const bearer = parseBearer(header);
  if (!bearer) return ANONYMOUS;
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
