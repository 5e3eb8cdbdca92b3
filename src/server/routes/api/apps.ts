/** /api/v1/apps (administrators only): parse, call the app service, render. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppGroupsInput, CreateAppInput } from '../../../app/app-service.ts';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { APP_NAME, GROUP_LIST, NameParams, strictObject } from './schemas.ts';

const tags = ['apps'];
const CreateApp = strictObject({
  name: APP_NAME,
  id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
  publications: Type.Optional(GROUP_LIST),
  responsibles: Type.Optional(GROUP_LIST),
});
const UpdateApp = strictObject({
  publications: Type.Optional(GROUP_LIST),
  responsibles: Type.Optional(GROUP_LIST),
});

export async function appRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const apps = ctx.services.apps;

  app.get(`${API_PREFIX}/apps`, { schema: { summary: 'List applications', tags } }, async (request) => ({
    apps: await apps.list(callerOf(request)),
  }));

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/apps/:name`,
    { schema: { summary: 'Show an application', tags, params: NameParams } },
    async (request) => apps.show(callerOf(request), request.params.name),
  );

  app.post<{ Body: CreateAppInput }>(
    `${API_PREFIX}/apps`,
    { schema: { summary: 'Create an application', tags, body: CreateApp, 'x-status': 201 } },
    async (request, reply) => {
      const created = await apps.create(callerOf(request), request.body);
      reply.code(201);
      return created;
    },
  );

  app.patch<{ Params: { name: string }; Body: AppGroupsInput }>(
    `${API_PREFIX}/apps/:name`,
    {
      schema: {
        summary: 'Change publication or responsible groups',
        tags,
        params: NameParams,
        body: UpdateApp,
      },
    },
    async (request) => apps.update(callerOf(request), request.params.name, request.body),
  );

  app.delete<{ Params: { name: string } }>(
    `${API_PREFIX}/apps/:name`,
    {
      schema: {
        summary: 'Delete an application (its services keep working, without an app)',
        tags,
        params: NameParams,
        'x-status': 204,
      },
    },
    async (request, reply) => {
      await apps.remove(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );
}
