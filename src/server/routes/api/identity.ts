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
          'Asks each source that can look people up (LDAP) about every user bound to it: groups and privileges follow the mappings, a person the directory no longer holds is disabled.',
        tags,
        body: SourceBody,
      },
    },
    async (request) => ({ reports: await identity.sync(callerOf(request), request.body.source) }),
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
