/**
 * /api/v1/registries: parse, call the registry service, render. Administrators manage every
 * registry; managers the ones they are responsible for (src/app/registry-service.ts).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { CreateRegistryInput, UpdateRegistryInput } from '../../../app/registry-service.ts';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { registryConfigRoute } from './registry-config.ts';
import { GROUP_LIST, REGISTRY_SERVICE, ServiceParams, strictObject } from './schemas.ts';

const tags = ['registries'];
const URL_SCHEMA = Type.String({
  pattern: '^https?://[^\\s/]+(/\\S*)?$',
  maxLength: 2048,
  hint: 'the registry URL, http(s)://host[:port]',
});
const SYNC_INTERVAL = Type.Union(
  [
    Type.Integer({ minimum: 10, maximum: 86_400 * 7, hint: 'sync_interval is in seconds, at least 10' }),
    Type.Null(),
  ],
  {
    description: 'Catalog discovery interval in seconds (null: default)',
  },
);
const CreateRegistry = strictObject({
  service: REGISTRY_SERVICE,
  url: URL_SCHEMA,
  insecure: Type.Optional(Type.Boolean()),
  restricted: Type.Optional(
    Type.Boolean({ description: 'Push needs a responsible group instead of a publication group' }),
  ),
  publications: Type.Optional(GROUP_LIST),
  responsibles: Type.Optional(GROUP_LIST),
  sync_interval: Type.Optional(SYNC_INTERVAL),
});
const UpdateRegistry = strictObject({
  url: Type.Optional(URL_SCHEMA),
  insecure: Type.Optional(Type.Boolean()),
  restricted: Type.Optional(Type.Boolean()),
  publications: Type.Optional(GROUP_LIST),
  responsibles: Type.Optional(GROUP_LIST),
  sync_interval: Type.Optional(SYNC_INTERVAL),
});

export async function registryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const registries = ctx.services.registries;

  app.get(
    `${API_PREFIX}/registries`,
    { schema: { summary: 'List registries (managers see those they are responsible for)', tags } },
    async (request) => ({ registries: await registries.list(callerOf(request)) }),
  );

  app.get<{ Params: { service: string } }>(
    `${API_PREFIX}/registries/:service`,
    { schema: { summary: 'Show a registry', tags, params: ServiceParams } },
    async (request) => registries.show(callerOf(request), request.params.service),
  );

  app.post<{ Body: CreateRegistryInput }>(
    `${API_PREFIX}/registries`,
    {
      schema: {
        summary: 'Create a registry',
        description:
          "Administrators; in `mode: public` any user, and the creator's primary group becomes a responsible and a publication group.",
        tags,
        body: CreateRegistry,
        'x-status': 201,
      },
    },
    async (request, reply) => {
      const created = await registries.create(callerOf(request), request.body);
      reply.code(201);
      return created;
    },
  );

  app.patch<{ Params: { service: string }; Body: UpdateRegistryInput }>(
    `${API_PREFIX}/registries/:service`,
    {
      schema: {
        summary: 'Update a registry (administrators and its managers)',
        tags,
        params: ServiceParams,
        body: UpdateRegistry,
      },
    },
    async (request) => registries.update(callerOf(request), request.params.service, request.body),
  );

  app.delete<{ Params: { service: string } }>(
    `${API_PREFIX}/registries/:service`,
    {
      schema: {
        summary: 'Delete a registry (administrators)',
        tags,
        params: ServiceParams,
        'x-status': 204,
      },
    },
    async (request, reply) => {
      await registries.remove(callerOf(request), request.params.service);
      return reply.code(204).send();
    },
  );

  await registryConfigRoute(app, ctx);
}
