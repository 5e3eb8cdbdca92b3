/**
 * /api/v1/environments/…: the credential vault over HTTP. Parse, call the credential service
 * (src/app/credential-service.ts: who may read and manage, audited reads), render.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { strictObject } from './schemas.ts';

const tags = ['credentials'];
const BASE = `${API_PREFIX}/environments`;
const EnvParams = Type.Object(
  { env: Type.String({ minLength: 1, maxLength: 63 }) },
  { additionalProperties: false },
);
const CredParams = Type.Object(
  {
    env: Type.String({ minLength: 1, maxLength: 63 }),
    address: Type.String({ minLength: 1, maxLength: 255 }),
  },
  { additionalProperties: false },
);
const GrantParams = Type.Object(
  {
    env: Type.String({ minLength: 1, maxLength: 63 }),
    kind: Type.Union([Type.Literal('service'), Type.Literal('robot')]),
    name: Type.String({ minLength: 1, maxLength: 255 }),
  },
  { additionalProperties: false },
);
const SECRET_TEXT = Type.String({
  minLength: 1,
  maxLength: 65536,
  description: 'password, identity token or JSON key; write-only',
});
/** Epoch ms up to JavaScript's last date: a bigint column on both dialects, never 1e300. */
const EXPIRES_AT = Type.Integer({ minimum: 0, maximum: 8.64e15, description: 'expiry, epoch milliseconds' });
const CreateCredential = strictObject({
  address: Type.String({ minLength: 1, maxLength: 255, description: 'host or host:port, no scheme or path' }),
  username: Type.String({ maxLength: 1024 }),
  secret: SECRET_TEXT,
  email: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
  kind: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  expiresAt: Type.Optional(Type.Union([EXPIRES_AT, Type.Null()])),
});
const UpdateCredential = strictObject({
  username: Type.Optional(Type.String({ maxLength: 1024 })),
  secret: Type.Optional(SECRET_TEXT),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
  expiresAt: Type.Optional(Type.Union([EXPIRES_AT, Type.Null()])),
});
const UpdateSettings = strictObject({
  defaultRegistry: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 255 }), Type.Null()])),
  allowlist: Type.Optional(
    Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 1000 }), Type.Null()]),
  ),
});

type CreateBody = {
  address: string;
  username: string;
  secret: string;
  email?: string | null;
  kind?: string;
  expiresAt?: number | null;
};
type UpdateBody = { username?: string; secret?: string; email?: string | null; expiresAt?: number | null };

export async function credentialRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const credentials = ctx.services.credentials;

  app.get(BASE, { schema: { summary: 'List vault environments', tags } }, async (request) => ({
    environments: await credentials.listEnvironments(callerOf(request)),
  }));

  app.get<{ Params: { env: string } }>(
    `${BASE}/:env`,
    { schema: { summary: 'Show environment settings', tags, params: EnvParams } },
    async (request) => credentials.settings(callerOf(request), request.params.env),
  );

  app.put<{
    Params: { env: string };
    Body: { defaultRegistry?: string | null; allowlist?: string[] | null };
  }>(
    `${BASE}/:env/settings`,
    {
      schema: {
        summary: 'Set the default registry and/or allowlist',
        tags,
        params: EnvParams,
        body: UpdateSettings,
      },
    },
    async (request) => credentials.updateSettings(callerOf(request), request.params.env, request.body),
  );

  app.get<{ Params: { env: string }; Querystring: { all?: string } }>(
    `${BASE}/:env/credentials`,
    { schema: { summary: 'List credentials (never secrets)', tags, params: EnvParams } },
    async (request) =>
      credentials.list(callerOf(request), request.params.env, {
        includeDeleted: request.query.all === 'true',
      }),
  );

  app.post<{ Params: { env: string }; Body: CreateBody }>(
    `${BASE}/:env/credentials`,
    {
      schema: {
        summary: 'Store a credential (replaces the one for the same address)',
        tags,
        params: EnvParams,
        body: CreateCredential,
        'x-status': 201,
      },
    },
    async (request, reply) => {
      const record = await credentials.add(callerOf(request), request.params.env, request.body);
      reply.code(201);
      return record;
    },
  );

  app.get<{ Params: { env: string; address: string } }>(
    `${BASE}/:env/credentials/:address`,
    { schema: { summary: 'Show a credential without its secret', tags, params: CredParams } },
    async (request) => credentials.show(callerOf(request), request.params.env, request.params.address),
  );

  app.patch<{ Params: { env: string; address: string }; Body: UpdateBody }>(
    `${BASE}/:env/credentials/:address`,
    {
      schema: {
        summary: 'Change user name, e-mail or secret (the stored secret is never returned)',
        tags,
        params: CredParams,
        body: UpdateCredential,
      },
    },
    async (request) =>
      credentials.update(callerOf(request), request.params.env, request.params.address, request.body),
  );

  for (const [action, state] of [
    ['activate', 'active'],
    ['deactivate', 'deactivated'],
  ] as const) {
    app.post<{ Params: { env: string; address: string } }>(
      `${BASE}/:env/credentials/:address/${action}`,
      {
        schema: {
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} a credential`,
          tags,
          params: CredParams,
        },
      },
      async (request) =>
        credentials.setState(callerOf(request), request.params.env, request.params.address, state),
    );
  }

  app.delete<{ Params: { env: string; address: string } }>(
    `${BASE}/:env/credentials/:address`,
    {
      schema: {
        summary: 'Delete a credential (its secret is destroyed)',
        tags,
        params: CredParams,
        'x-status': 204,
      },
    },
    async (request, reply) => {
      await credentials.remove(callerOf(request), request.params.env, request.params.address);
      reply.code(204);
      return null;
    },
  );

  app.get<{ Params: { env: string; address: string } }>(
    `${BASE}/:env/credentials/:address/secret`,
    { schema: { summary: 'Read a secret (audited)', tags, params: CredParams } },
    async (request) => credentials.reveal(callerOf(request), request.params.env, request.params.address),
  );

  app.get<{ Params: { env: string }; Querystring: { server?: string } }>(
    `${BASE}/:env/credential-lookup`,
    {
      schema: {
        summary:
          'Credential-helper lookup; every server form (https://index.docker.io/v1/, host:port, …); audited',
        tags,
        params: EnvParams,
      },
    },
    async (request) => credentials.lookup(callerOf(request), request.params.env, request.query.server ?? ''),
  );

  app.get<{ Params: { env: string } }>(
    `${BASE}/:env/grants`,
    { schema: { summary: 'List environment grants', tags, params: EnvParams } },
    async (request) => ({ grants: await credentials.grants(callerOf(request), request.params.env) }),
  );

  app.put<{ Params: { env: string; kind: 'service' | 'robot'; name: string } }>(
    `${BASE}/:env/grants/:kind/:name`,
    {
      schema: { summary: 'Let a service or robot read the environment', tags, params: GrantParams },
    },
    async (request) => {
      const { env, kind, name } = request.params;
      return { grants: await credentials.grant(callerOf(request), env, kind, name) };
    },
  );

  app.delete<{ Params: { env: string; kind: 'service' | 'robot'; name: string } }>(
    `${BASE}/:env/grants/:kind/:name`,
    { schema: { summary: 'Revoke a grant', tags, params: GrantParams, 'x-status': 204 } },
    async (request, reply) => {
      const { env, kind, name } = request.params;
      await credentials.revoke(callerOf(request), env, kind, name);
      reply.code(204);
      return null;
    },
  );
}
