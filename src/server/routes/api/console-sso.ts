/**
 * The console's "Sign in with …" under /api/v1/session/sso (src/app/console-sso-service.ts):
 * the OIDC sources to offer, the start (a redirect to the provider), the provider's callback
 * (the session cookie, then the console), and the message of a failed attempt.
 *
 * The start and the callback are browser navigations, not API calls: a failure there redirects
 * to the sign-in page (`?sso=failed`), which asks `failure` for the server's message; a JSON
 * error page would leave the person on a dead end.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUTHORIZATION_TTL_MS } from '../../../identity/sources/oidc-relying-party.ts';
import { CONSOLE_PREFIX } from '../../console-routes.ts';
import type { AppContext } from '../../context.ts';
import {
  clearedSsoCookie,
  cookieValue,
  overTls,
  SSO_COOKIE,
  sessionCookie,
  ssoCookie,
} from '../../plugins/session-cookie.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';

const tags = ['session'];
const FAILED = `${CONSOLE_PREFIX}?sso=failed`;
const SIGNED_IN = `${CONSOLE_PREFIX}repositories`;
const FAILURE_COOKIE_SECONDS = 300;

const SourceParams = Type.Object({ source: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }) });

export async function consoleSsoRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const sso = ctx.services.consoleSso;
  const secure = (request: FastifyRequest) => overTls(request, ctx.publicUrl);
  const failed = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    request.log.info(
      {
        reason: error instanceof Error ? error.message : String(error),
        detail: (error as { detail?: string }).detail,
      },
      'console single sign-on failed',
    );
    reply.header('set-cookie', ssoCookie(sso.sealFailure(error), secure(request), FAILURE_COOKIE_SECONDS));
    return reply.redirect(FAILED, 302);
  };

  app.get(
    `${API_PREFIX}/session/sso`,
    {
      schema: {
        summary: 'The OIDC identity sources the sign-in page offers ("Sign in with …")',
        tags,
        'x-auth': false,
      },
    },
    async () => ({ sources: sso.sources() }),
  );

  app.get<{ Params: { source: string } }>(
    `${API_PREFIX}/session/sso/:source/start`,
    {
      schema: {
        summary: 'Start a console sign-in through an OIDC source (redirects to the provider)',
        description:
          'A browser navigation: the authorization-code flow with PKCE; the verifier, state and nonce are sealed in an HttpOnly cookie. The provider returns to /api/v1/session/sso/callback.',
        tags,
        params: SourceParams,
        'x-status': 302,
        'x-auth': false,
      },
    },
    async (request, reply) => {
      let begun: { url: string; sealed: string };
      try {
        begun = await sso.begin(request.params.source);
      } catch (error) {
        return failed(request, reply, error);
      }
      reply.header(
        'set-cookie',
        ssoCookie(begun.sealed, secure(request), Math.floor(AUTHORIZATION_TTL_MS / 1000)),
      );
      return reply.redirect(begun.url, 302);
    },
  );

  app.get(
    `${API_PREFIX}/session/sso/callback`,
    {
      schema: {
        summary: "The OIDC provider's redirect back: starts the console session, then opens the console",
        tags,
        'x-status': 302,
        'x-auth': false,
      },
    },
    async (request, reply) => {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      try {
        const started = await sso.finish(
          callerOf(request),
          cookieValue(request.headers.cookie, SSO_COOKIE),
          query,
        );
        reply.header('set-cookie', [
          sessionCookie(started.token, secure(request)),
          clearedSsoCookie(secure(request)),
        ]);
        return reply.redirect(SIGNED_IN, 302);
      } catch (error) {
        return failed(request, reply, error);
      }
    },
  );

  app.get(
    `${API_PREFIX}/session/sso/failure`,
    {
      schema: {
        summary: 'Why the last single sign-on from this browser failed (asked once by the sign-in page)',
        tags,
        'x-auth': false,
      },
    },
    async (request, reply) => {
      const message = sso.failure(cookieValue(request.headers.cookie, SSO_COOKIE)) ?? null;
      reply.header('set-cookie', clearedSsoCookie(secure(request)));
      return { message };
    },
  );
}
