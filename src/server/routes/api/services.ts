/**
 * /api/v1/services (administrators only): parse, call the service-account service, render.
 * A secret is shown once: in the create reply when Purser generated it, and in the regenerate
 * reply.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CreateServiceInput, UpdateServiceInput } from '../../../app/service-account-service.ts';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
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
  const services = ctx.services.serviceAccounts;

  app.get(
    `${API_PREFIX}/services`,
    { schema: { summary: 'List service accounts', tags } },
    async (request) => ({ services: await services.list(callerOf(request)) }),
  );

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/services/:name`,
    { schema: { summary: 'Show a service account', tags, params: NameParams } },
    async (request) => services.show(callerOf(request), request.params.name),
  );

  app.post<{ Body: CreateServiceInput }>(
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
      const created = await services.create(callerOf(request), request.body);
      reply.code(201);
      return created;
    },
  );

  app.patch<{ Params: { name: string }; Body: UpdateServiceInput }>(
    `${API_PREFIX}/services/:name`,
    {
      schema: {
        summary: 'Change the app or disable/enable a service account',
        tags,
        params: NameParams,
        body: UpdateService,
      },
    },
    async (request) => services.update(callerOf(request), request.params.name, request.body),
  );

  machineAccountRoutes(app, { plural: 'services', label: 'service account', tags, accounts: services });
}
