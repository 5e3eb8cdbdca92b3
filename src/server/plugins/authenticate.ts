/**
 * Sets `request.principal` for management and catalog routes: Basic credentials (through the
 * credential cache), a Bearer token Purser issued to the caller with audience = the issuer
 * name (`GET /token?service=<issuer>`), or anonymous. `/token` authenticates on its own.
 * In local CLI mode every request is the local administrator.
 */
import type { FastifyInstance } from 'fastify';
import { TokenInvalid } from '../../domain/errors.ts';
import type { Principal } from '../../domain/model.ts';
import { verifyToken } from '../../token/verifier.ts';
import type { Authority } from '../authority.ts';
import { parseBasic, parseBearer } from '../basic-auth.ts';

export const LOCAL_ADMIN: Principal = {
  kind: 'user',
  user: {
    id: 0,
    name: 'local-cli',
    groups: [],
    privileges: ['DockerRegistriesPuller', 'DockerRegistriesPusher', 'DockerRegistriesManager'],
    admin: true,
    disabled: false,
  },
};

export interface AuthenticateOptions {
  readonly authority: Authority;
  readonly issuer: string;
  readonly localAdmin: boolean;
}

export function installAuthentication(app: FastifyInstance, options: AuthenticateOptions): void {
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    if (options.localAdmin) {
      request.principal = LOCAL_ADMIN;
      return;
    }
    request.principal = { kind: 'anonymous' };
    if (request.url.startsWith('/token')) return;
    const header = request.headers.authorization;
    const basic = parseBasic(header);
    if (basic) {
      request.principal = await options.authority.authenticator.authenticate(
        basic.username,
        basic.password,
        request.ip,
      );
      return;
    }
    const bearer = parseBearer(header);
    if (bearer) {
      const claims = verifyToken(bearer, {
        issuer: options.issuer,
        audience: options.issuer,
        keys: options.authority.ring.published,
      });
      const record = options.authority.credential(claims.sub);
      const principal = record ? options.authority.principal(record) : undefined;
      if (!principal) throw new TokenInvalid('the token subject no longer exists');
      request.principal = principal;
    }
  });
}
