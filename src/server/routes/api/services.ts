/**
 * /api/v1/services (administrators only): machine identities that log in as a service.
 * A secret is shown once: in the create reply when Purser generated it, and in the
 * regenerate reply. It is stored as a salted hash only.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ModelView } from '../../../app/views.ts';
import { Conflict, NotFound } from '../../../domain/errors.ts';
import { generateSecret, hashSecret } from '../../../identity/password.ts';
import { ModelWriter } from '../../../store/model-writer.ts';
import type { AppContext } from '../../context.ts';
import { auditChange, requireAdmin } from './access-guard.ts';
import { machineAccountRoutes } from './machine-account-routes.ts';
import { API_PREFIX } from './openapi.ts';
import { APP_NAME, NameParams, SECRET, SERVICE_NAME, strictObject } from './schemas.ts';

const tags = ['services'];
const CreateService = strictObject({
  name: SERVICE_NAME,
  app: Type.Optional(
    Type.Union([APP_NAME, Type.Null()], {
      description: 'The app this service runs (pulls apps/<app>/...)',
    }),
  ),
  secret: Type.Optional(SECRET),
  disabled: Type.Optional(Type.Boolean()),
});
const UpdateService = strictObject({
  app: Type.Optional(Type.Union([APP_NAME, Type.Null()])),
  disabled: Type.Optional(Type.Boolean()),
});

export async function serviceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const writer = new ModelWriter(ctx.db);
  const view = () => new ModelView(ctx.authority.snapshot);
  const find = (name: string) => {
    const principal = ctx.authority.principalByName('service', name);
    return principal?.kind === 'service' ? principal.service : undefined;
  };
  const require = (name: string) => {
    const found = find(name);
    if (!found) throw new NotFound(`no service named "${name}"`);
    return found;
  };

  app.get(
    `${API_PREFIX}/services`,
    { schema: { summary: 'List service accounts', tags } },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      return { services: ctx.authority.snapshot.services.map((s) => view().service(s)) };
    },
  );

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/services/:name`,
    { schema: { summary: 'Show a service account', tags, params: NameParams } },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      return view().service(require(request.params.name));
    },
  );

  app.post<{ Body: { name: string; app?: string | null; secret?: string; disabled?: boolean } }>(
    `${API_PREFIX}/services`,
    {
      schema: {
        summary: 'Create a service account',
        description: 'Without `secret`, a secret is generated and returned once as `secret` in the reply.',
        tags,
        body: CreateService,
        'x-status': 201,
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      const body = request.body;
      await ctx.authority.refresh();
      if (ctx.authority.credential(body.name)) throw new Conflict(`the name "${body.name}" is already taken`);
      const generated = body.secret === undefined ? generateSecret() : undefined;
      await writer.upsertService({
        name: body.name,
        app: body.app ?? null,
        secretHash: hashSecret(body.secret ?? generated!),
        disabled: body.disabled ?? false,
      });
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'service.create',
        target: `service:${body.name}`,
        details: { app: body.app ?? null, generatedSecret: generated !== undefined },
      });
      reply.code(201);
      return { ...view().service(require(body.name)), ...(generated ? { secret: generated } : {}) };
    },
  );

  app.patch<{ Params: { name: string }; Body: { app?: string | null; disabled?: boolean } }>(
    `${API_PREFIX}/services/:name`,
    {
      schema: {
        summary: 'Change the app or disable/enable a service account',
        tags,
        params: NameParams,
        body: UpdateService,
      },
    },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      require(request.params.name);
      await writer.upsertService({ name: request.params.name, ...request.body });
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'service.update',
        target: `service:${request.params.name}`,
        details: { ...request.body },
      });
      return view().service(require(request.params.name));
    },
  );

  machineAccountRoutes(app, ctx, writer, {
    kind: 'service',
    plural: 'services',
    label: 'service account',
    tags,
    require,
    setSecretHash: (w, name, secretHash) => w.upsertService({ name, secretHash }),
    remove: (w, name) => w.deleteService(name),
  });
}
