/**
 * /api/v1/identity (administrators) and /api/v1/users/:name/cli-secret (the user or an
 * administrator): parse, call the identity service (src/app/identity-service.ts), render.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { NameParams, strictObject } from './schemas.ts';

const tags = ['identity'];
const SourceBody = strictObject({
  source: Type.Optional(
    Type.String({ minLength: 1, maxLength: 63, description: 'Only this identity source (its name)' }),
  ),
});

const SsoBegin = strictObject({
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 63, description: 'The OIDC source' })),
  redirect_uri: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'A loopback redirect (http://127.0.0.1:PORT/callback) for the code flow; absent: device flow',
    }),
  ),
});
const SsoFinish = strictObject({
  handle: Type.String({ minLength: 1, maxLength: 100, description: 'From the begin call' }),
  callback: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 4096,
      description: 'The URL the provider redirected to (code flow)',
    }),
  ),
});

export async function identityRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const identity = ctx.services.identity;

  app.get(
    `${API_PREFIX}/identity/sources`,
    { schema: { summary: 'List the identity sources, in the order they are tried', tags } },
    async (request) => ({ sources: identity.list(callerOf(request)) }),
  );

  app.post<{ Body: { source?: string } }>(
    `${API_PREFIX}/identity/check`,
    { schema: { summary: "Check each identity source's health now", tags, body: SourceBody } },
    async (request) => ({ checks: await identity.check(callerOf(request), request.body.source) }),
  );

  app.post<{ Body: { source?: string } }>(
    `${API_PREFIX}/identity/sync`,
    {
      schema: {
        summary: 'Refresh the groups of the users bound to identity sources',
        description:
          'Asks each source that can look people up (LDAP) about every user bound to it: groups and privileges follow the mappings, a person the directory no longer holds is disabled. OIDC users are asked through the refresh token kept from their last login: groups are refreshed, and the CLI secret is revoked when they left every mapped group or the provider refuses the token. A RADIUS source cannot be asked without the password: its report has a note saying so.',
        tags,
        body: SourceBody,
      },
    },
    async (request) => ({ reports: await identity.sync(callerOf(request), request.body.source) }),
  );

  app.post<{ Body: { source?: string; redirect_uri?: string } }>(
    `${API_PREFIX}/identity/sso/begin`,
    {
      schema: {
        summary: 'Start a login through an OIDC source (purser login --sso)',
        description:
          'Without redirect_uri: the device authorization grant (show userCode and verificationUri). With a loopback redirect_uri: the authorization-code flow with PKCE (open url). No authentication: the person is logging in.',
        tags,
        body: SsoBegin,
      },
    },
    async (request) =>
      ctx.services.sso.begin({ source: request.body.source, redirectUri: request.body.redirect_uri }),
  );

  app.post<{ Body: { handle: string; callback?: string } }>(
    `${API_PREFIX}/identity/sso/finish`,
    {
      schema: {
        summary: "Finish an OIDC login: the person's Purser user name and their new CLI secret (shown once)",
        tags,
        body: SsoFinish,
      },
    },
    async (request) => ctx.services.sso.finish(request.body),
  );

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/users/:name/cli-secret`,
    {
      schema: {
        summary: 'Whether an OIDC user holds a CLI secret (never the secret)',
        tags,
        params: NameParams,
      },
    },
    async (request) => identity.cliSecretStatus(callerOf(request), request.params.name),
  );

  app.post<{ Params: { name: string } }>(
    `${API_PREFIX}/users/:name/cli-secret`,
    {
      schema: {
        summary: 'Issue a new CLI secret for an OIDC user (shown once; the previous one stops working)',
        tags,
        params: NameParams,
      },
    },
    async (request) => ({ secret: await identity.cliSecret(callerOf(request), request.params.name) }),
  );
}
