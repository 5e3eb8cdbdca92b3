/**
 * Console sessions under /api/v1/session: sign in (sets the cookie, returns the CSRF token),
 * the current session (the console asks after a reload: the CSRF token lives only in its
 * memory, never in localStorage), sign out; administrators end a user's sessions.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Unauthorized } from '../../../domain/errors.ts';
import type { AppContext } from '../../context.ts';
import { clearedSessionCookie, overTls, sessionCookie, sessionToken } from '../../plugins/session-cookie.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { NameParams, strictObject } from './schemas.ts';

const tags = ['session'];

const SignIn = strictObject({
  username: Type.String({ minLength: 1, maxLength: 255 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

export async function sessionRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const sessions = ctx.services.sessions;

  app.post<{ Body: { username: string; password: string } }>(
    `${API_PREFIX}/session`,
    {
      schema: {
        summary: 'Sign in to the console (sets the HttpOnly session cookie)',
        description:
          'Checks the username and password like `GET /token` does (local accounts and identity sources); a failed sign-in says only "invalid username or password". The reply carries `csrfToken`: send it in the `x-purser-csrf` header on every state-changing request made with the cookie.',
        tags,
        body: SignIn,
        'x-status': 201,
        'x-auth': false,
      },
    },
    async (request, reply) => {
      const started = await sessions.signIn(callerOf(request), request.body.username, request.body.password);
      const { token, ...view } = started;
      reply.header('set-cookie', sessionCookie(token, overTls(request, ctx.publicUrl)));
      return reply.code(201).send(view);
    },
  );

  app.get(
    `${API_PREFIX}/session`,
    { schema: { summary: 'The current console session (its CSRF token and account)', tags } },
    async (request) => {
      const session = request.consoleSession;
      if (!session) throw new Unauthorized('no console session: sign in first');
      return sessions.view(callerOf(request), session.csrfToken);
    },
  );

  app.delete(
    `${API_PREFIX}/session`,
    { schema: { summary: 'Sign out (ends the session on the server)', tags, 'x-status': 204 } },
    async (request, reply) => {
      const token = sessionToken(request.headers.cookie);
      if (token !== undefined && request.consoleSession) await sessions.signOut(token);
      reply.header('set-cookie', clearedSessionCookie(overTls(request, ctx.publicUrl)));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { name: string } }>(
    `${API_PREFIX}/users/:name/sessions`,
    {
      schema: {
        summary: 'End every console session of a user (administrators)',
        tags,
        params: NameParams,
      },
    },
    async (request) => sessions.revokeFor(callerOf(request), request.params.name),
  );
}
