/** /api/v1/groups (administrators only). */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ModelView } from '../../../app/views.ts';
import { BadRequest, Conflict, NotFound } from '../../../domain/errors.ts';
import { isAllDigits } from '../../../domain/model.ts';
import { ModelWriter } from '../../../store/model-writer.ts';
import type { AppContext } from '../../context.ts';
import { auditChange, requireAdmin } from './access-guard.ts';
import { API_PREFIX } from './openapi.ts';
import { GROUP_NAME, NameParams, strictObject } from './schemas.ts';

const tags = ['groups'];
const CreateGroup = strictObject({
  name: GROUP_NAME,
  id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
});

export async function groupRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const writer = new ModelWriter(ctx.db);
  const view = () => new ModelView(ctx.authority.snapshot);
  const find = (name: string) => ctx.authority.snapshot.groups.find((g) => g.name === name);

  app.get(
    `${API_PREFIX}/groups`,
    { schema: { summary: 'List groups with their members', tags } },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      return { groups: ctx.authority.snapshot.groups.map((g) => view().group(g)) };
    },
  );

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/groups/:name`,
    { schema: { summary: 'Show a group', tags, params: NameParams } },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      const group = find(request.params.name);
      if (!group) throw new NotFound(`no group named "${request.params.name}"`);
      return view().group(group);
    },
  );

  app.post<{ Body: { name: string; id?: number } }>(
    `${API_PREFIX}/groups`,
    { schema: { summary: 'Create a group', tags, body: CreateGroup, 'x-status': 201 } },
    async (request, reply) => {
      requireAdmin(request);
      const { name, id } = request.body;
      if (isAllDigits(name))
        throw new BadRequest(`body.name: group names must not be all digits ("${name}")`);
      await ctx.authority.refresh();
      if (find(name)) throw new Conflict(`group "${name}" already exists`);
      await writer.upsertGroup(name, id);
      await ctx.authority.refresh();
      auditChange(ctx, request, { action: 'group.create', target: `group:${name}`, details: { id } });
      reply.code(201);
      return view().group(find(name)!);
    },
  );

  app.delete<{ Params: { name: string } }>(
    `${API_PREFIX}/groups/:name`,
    {
      schema: {
        summary: 'Delete a group',
        description:
          'Members lose the membership; apps and registries lose it as a publication or responsible group.',
        tags,
        params: NameParams,
        'x-status': 204,
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      await writer.deleteGroup(request.params.name);
      await ctx.authority.refresh();
      auditChange(ctx, request, { action: 'group.delete', target: `group:${request.params.name}` });
      return reply.code(204).send();
    },
  );
}
