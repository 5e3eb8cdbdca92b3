/**
 * /api/v1/environments/…: the credential vault over HTTP. Administrators manage everything;
 * services and robots granted an environment (`purser vault grant`) may list its credentials
 * and read their secrets; everyone else gets 403 (401 when anonymous). Every secret read is
 * audited (`credential.read`), denied ones included.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BadRequest, Denied } from '../../../domain/errors.ts';
import { principalActor } from '../../../vault/actor.ts';
import type { CredentialRecord } from '../../../vault/credential-record.ts';
import { isAllowed, parseEnvironmentName } from '../../../vault/environment-settings.ts';
import {
  grantEnvironment,
  listGrants,
  mayReadSecrets,
  revokeEnvironment,
} from '../../../vault/vault-grants.ts';
import type { AppContext } from '../../context.ts';
import { requireAdmin, requireAuthenticated } from './access-guard.ts';
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
const CreateCredential = strictObject({
  address: Type.String({ minLength: 1, maxLength: 255, description: 'host or host:port, no scheme or path' }),
  username: Type.String({ maxLength: 1024 }),
  secret: SECRET_TEXT,
  email: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
  kind: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  expiresAt: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
});
const UpdateCredential = strictObject({
  username: Type.Optional(Type.String({ maxLength: 1024 })),
  secret: Type.Optional(SECRET_TEXT),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
  expiresAt: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
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
  const vault = ctx.vault;
  const actor = (request: FastifyRequest) =>
    principalActor(request.principal, {
      sourceAddress: request.ip,
      ...(request.headers['user-agent'] ? { userAgent: request.headers['user-agent'] } : {}),
    });

  /** Administrators, or services/robots granted the environment. */
  const requireReader = async (request: FastifyRequest, env: string): Promise<string> => {
    const principal = requireAuthenticated(request);
    const name = parseEnvironmentName(env);
    if (!(await mayReadSecrets(ctx.db, principal, name))) {
      void ctx.audit.record({
        ...auditBase(request),
        action: 'credential.read',
        target: `environment:${name}`,
        outcome: 'denied',
      });
      throw new Denied(`not allowed to read the credentials of environment ${name}`);
    }
    return name;
  };
  const auditBase = (request: FastifyRequest) => {
    const a = actor(request);
    return { actor: a.name, actorKind: a.kind, sourceAddress: request.ip };
  };
  const view = (record: CredentialRecord, allowlist: readonly string[] | null) => ({
    ...record,
    allowed: isAllowed({ allowlist }, record.address),
  });

  app.get(BASE, { schema: { summary: 'List vault environments', tags } }, async (request) => {
    const principal = requireAuthenticated(request);
    const all = await vault.listEnvironments();
    const visible = [];
    for (const e of all) if (await mayReadSecrets(ctx.db, principal, e.name)) visible.push(e);
    return { environments: visible };
  });

  app.get<{ Params: { env: string } }>(
    `${BASE}/:env`,
    { schema: { summary: 'Show environment settings', tags, params: EnvParams } },
    async (request) => {
      const env = await requireReader(request, request.params.env);
      return vault.settings(env);
    },
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
    async (request) => {
      requireAdmin(request);
      const env = parseEnvironmentName(request.params.env);
      if (request.body.defaultRegistry !== undefined)
        await vault.setDefaultRegistry(env, request.body.defaultRegistry, actor(request));
      if (request.body.allowlist !== undefined)
        await vault.setAllowlist(env, request.body.allowlist, actor(request));
      return vault.settings(env);
    },
  );

  app.get<{ Params: { env: string }; Querystring: { all?: string } }>(
    `${BASE}/:env/credentials`,
    { schema: { summary: 'List credentials (never secrets)', tags, params: EnvParams } },
    async (request) => {
      const env = await requireReader(request, request.params.env);
      const settings = await vault.settings(env);
      const records = await vault.list(env, { includeDeleted: request.query.all === 'true' });
      return { environment: env, credentials: records.map((r) => view(r, settings.allowlist)) };
    },
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
      requireAdmin(request);
      const record = await vault.add({ ...request.body, environment: request.params.env }, actor(request));
      reply.code(201);
      return record;
    },
  );

  app.get<{ Params: { env: string; address: string } }>(
    `${BASE}/:env/credentials/:address`,
    { schema: { summary: 'Show a credential without its secret', tags, params: CredParams } },
    async (request) => {
      const env = await requireReader(request, request.params.env);
      return vault.show(env, request.params.address);
    },
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
    async (request) => {
      requireAdmin(request);
      return vault.update(request.params.env, request.params.address, request.body, actor(request));
    },
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
      async (request) => {
        requireAdmin(request);
        return vault.setState(request.params.env, request.params.address, state, actor(request));
      },
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
      requireAdmin(request);
      await vault.remove(request.params.env, request.params.address, actor(request));
      reply.code(204);
      return null;
    },
  );

  app.get<{ Params: { env: string; address: string } }>(
    `${BASE}/:env/credentials/:address/secret`,
    { schema: { summary: 'Read a secret (audited)', tags, params: CredParams } },
    async (request) => {
      const env = await requireReader(request, request.params.env);
      return vault.reveal(env, request.params.address, actor(request), 'api');
    },
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
    async (request) => {
      const env = await requireReader(request, request.params.env);
      const server = (request.query.server ?? '').trim();
      if (server === '') throw new BadRequest('no credentials server URL');
      return vault.reveal(env, server, actor(request), 'helper');
    },
  );

  app.get<{ Params: { env: string } }>(
    `${BASE}/:env/grants`,
    { schema: { summary: 'List environment grants', tags, params: EnvParams } },
    async (request) => {
      requireAdmin(request);
      return { grants: await listGrants(ctx.db, request.params.env) };
    },
  );

  app.put<{ Params: { env: string; kind: 'service' | 'robot'; name: string } }>(
    `${BASE}/:env/grants/:kind/:name`,
    {
      schema: { summary: 'Let a service or robot read the environment', tags, params: GrantParams },
    },
    async (request) => {
      requireAdmin(request);
      await grantEnvironment(
        ctx.db,
        request.params.env,
        request.params.kind,
        request.params.name,
        actor(request),
      );
      void ctx.audit.record({
        ...auditBase(request),
        action: 'vault.grant',
        target: `environment:${request.params.env}`,
        outcome: 'success',
        details: { kind: request.params.kind, name: request.params.name },
      });
      return { grants: await listGrants(ctx.db, request.params.env) };
    },
  );

  app.delete<{ Params: { env: string; kind: 'service' | 'robot'; name: string } }>(
    `${BASE}/:env/grants/:kind/:name`,
    { schema: { summary: 'Revoke a grant', tags, params: GrantParams, 'x-status': 204 } },
    async (request, reply) => {
      requireAdmin(request);
      await revokeEnvironment(ctx.db, request.params.env, request.params.kind, request.params.name);
      void ctx.audit.record({
        ...auditBase(request),
        action: 'vault.revoke',
        target: `environment:${request.params.env}`,
        outcome: 'success',
        details: { kind: request.params.kind, name: request.params.name },
      });
      reply.code(204);
      return null;
    },
  );
}
