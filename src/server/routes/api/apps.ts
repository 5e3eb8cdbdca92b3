/** /api/v1/apps (administrators only): publications and responsibles by group name. */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ModelView } from '../../../app/views.ts';
import { BadRequest, Conflict, NotFound } from '../../../domain/errors.ts';
import { isAllDigits } from '../../../domain/model.ts';
import { ModelWriter } from '../../../store/model-writer.ts';
import type { AppContext } from '../../context.ts';
import { auditChange, requireAdmin } from './access-guard.ts';
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
  const writer = new ModelWriter(ctx.db);
  const view = () => new ModelView(ctx.authority.snapshot);
  const find = (name: string) => ctx.authority.snapshot.apps.find((a) => a.name === name);
  const require = (name: string) => {
    const found = find(name);
    if (!found) throw new NotFound(`no app named "${name}"`);
    return found;
  };

  app.get(`${API_PREFIX}/apps`, { schema: { summary: 'List applications', tags } }, async (request) => {
    requireAdmin(request);
    await ctx.authority.refresh();
    return { apps: ctx.authority.snapshot.apps.map((a) => view().app(a)) };
  });

  app.get<{ Params: { name: string } }>(
    `${API_PREFIX}/apps/:name`,
    { schema: { summary: 'Show an application', tags, params: NameParams } },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      return view().app(require(request.params.name));
    },
  );

  app.post<{ Body: { name: string; id?: number; publications?: string[]; responsibles?: string[] } }>(
    `${API_PREFIX}/apps`,
    { schema: { summary: 'Create an application', tags, body: CreateApp, 'x-status': 201 } },
    async (request, reply) => {
      requireAdmin(request);
      const body = request.body;
      if (isAllDigits(body.name))
        throw new BadRequest(`body.name: app names must not be all digits ("${body.name}")`);
      await ctx.authority.refresh();
      if (find(body.name)) throw new Conflict(`app "${body.name}" already exists`);
      await writer.upsertApp({
        name: body.name,
        id: body.id,
        publications: body.publications ?? [],
        responsibles: body.responsibles ?? [],
      });
      await ctx.authority.refresh();
      auditChange(ctx, request, { action: 'app.create', target: `app:${body.name}`, details: { ...body } });
      reply.code(201);
      return view().app(require(body.name));
    },
  );

  app.patch<{ Params: { name: string }; Body: { publications?: string[]; responsibles?: string[] } }>(
    `${API_PREFIX}/apps/:name`,
    {
      schema: {
        summary: 'Change publication or responsible groups',
        tags,
        params: NameParams,
        body: UpdateApp,
      },
    },
    async (request) => {
      requireAdmin(request);
      await ctx.authority.refresh();
      require(request.params.name);
      await writer.upsertApp({ name: request.params.name, ...request.body });
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'app.update',
        target: `app:${request.params.name}`,
        details: { ...request.body },
      });
      return view().app(require(request.params.name));
    },
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
      requireAdmin(request);
      await writer.deleteApp(request.params.name);
      await ctx.authority.refresh();
      auditChange(ctx, request, { action: 'app.delete', target: `app:${request.params.name}` });
      return reply.code(204).send();
    },
  );
}
