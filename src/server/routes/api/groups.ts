/** /api/v1/groups (administrators only): parse, call the group service, render. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { callerOf } from './caller.ts';
import { API_PREFIX } from './openapi.ts';
import { GROUP_NAME, NameParams, strictObject } from './schemas.ts';

const tags = ['groups'];
const CreateGroup = strictObject({
  name: GROUP_NAME,
  id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
});

export async function groupRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const groups = ctx.services.groups;

  app.get(
    `${API_PREFIX}/groups`,
    { schema: { summary: 'List groups with their members', tags } },
    async (request) => ({ groups: await groups.list(callerOf(request)) }),
  );

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/groups/:name`,
    { schema: { summary: 'Show a group', tags, params: NameParams } },
    async (request) => groups.show(callerOf(request), request.params.name),
  );

  app.post<{ Body: { name: string; id?: number } }>(
    `${API_PREFIX}/groups`,
    { schema: { summary: 'Create a group', tags, body: CreateGroup, 'x-status': 201 } },
    async (request, reply) => {
      const group = await groups.create(callerOf(request), request.body);
      reply.code(201);
      return group;
    },
  );

  app.delete<{ Params: { name: string } }>(
    `${API_PREFIX}/groups/:name`,
    {
      schema: {
        summary: 'Delete a group',
        description:
          'Members lose the membership; apps and registries lose it as a publication or responsible group. ' +
          '409 while an identity source maps to it (`identity.sources[].groups`).',
        tags,
        params: NameParams,
        'x-status': 204,
      },
    },
    async (request, reply) => {
      await groups.remove(callerOf(request), request.params.name);
      return reply.code(204).send();
    },
  );
}
