/**
 * /api/v1/registries. Administrators manage every registry. Managers (DockerRegistriesManager,
 * in a responsible group of the registry) may list, view and update the registries they are
 * responsible for and read their config; in `mode: public` any user may create a registry.
 * A registry created through the API in `mode: public` gets its creator's primary group as a
 * responsible and a publication group.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ModelView } from '../../../app/views.ts';
import { BadRequest, Conflict, Denied, NotFound } from '../../../domain/errors.ts';
import type { Registry } from '../../../domain/model.ts';
import { ModelWriter } from '../../../store/model-writer.ts';
import type { AppContext } from '../../context.ts';
import {
  auditChange,
  holdsManager,
  isAdmin,
  managesRegistry,
  requireAuthenticated,
  requireRegistryManager,
  requireSomeRegistryManager,
} from './access-guard.ts';
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

interface RegistryBody {
  url?: string;
  insecure?: boolean;
  restricted?: boolean;
  publications?: string[];
  responsibles?: string[];
  sync_interval?: number | null;
}

export async function registryRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const writer = new ModelWriter(ctx.db);
  const find = (service: string) => ctx.authority.registry(service);
  const require = (service: string): Registry => {
    const found = find(service);
    if (!found) throw new NotFound(`no registry with service "${service}"`);
    return found;
  };
  const render = async (registries: readonly Registry[]) => {
    const intervals = new Map<string, number | null>();
    if (registries.length > 0) {
      const rows = await ctx.db.selectFrom('registries').select(['service', 'sync_interval']).execute();
      for (const row of rows)
        intervals.set(row.service, row.sync_interval === null ? null : Number(row.sync_interval));
    }
    const view = new ModelView(ctx.authority.snapshot);
    return registries.map((r) => view.registry(r, intervals.get(r.service) ?? null));
  };

  app.get(
    `${API_PREFIX}/registries`,
    { schema: { summary: 'List registries (managers see those they are responsible for)', tags } },
    async (request) => {
      const principal = requireAuthenticated(request);
      if (!isAdmin(principal) && !(principal.kind === 'user' && holdsManager(principal.user, ctx))) {
        throw new Denied('only administrators and registry managers may list registries');
      }
      await ctx.authority.refresh();
      return {
        registries: await render(
          ctx.authority.snapshot.registries.filter((r) => managesRegistry(principal, r, ctx)),
        ),
      };
    },
  );

  app.get<{ Params: { service: string } }>(
    `${API_PREFIX}/registries/:service`,
    { schema: { summary: 'Show a registry', tags, params: ServiceParams } },
    async (request) => {
      requireSomeRegistryManager(request, ctx);
      await ctx.authority.refresh();
      const registry = require(request.params.service);
      requireRegistryManager(request, registry, ctx);
      return (await render([registry]))[0];
    },
  );

  app.post<{ Body: RegistryBody & { service: string; url: string } }>(
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
      const principal = requireAuthenticated(request);
      const publicMode = ctx.authority.snapshot.mode === 'public';
      if (!isAdmin(principal) && !(publicMode && principal.kind === 'user' && !principal.user.disabled)) {
        throw new Denied('only administrators may create registries');
      }
      const body = request.body;
      if (body.service === ctx.issuer)
        throw new BadRequest(
          `body.service: "${body.service}" is Purser's own issuer name (the API audience); choose another`,
        );
      await ctx.authority.refresh();
      if (find(body.service)) throw new Conflict(`registry "${body.service}" already exists`);
      let publications = body.publications ?? [];
      let responsibles = body.responsibles ?? [];
      if (publicMode && principal.kind === 'user') {
        const primaryId = principal.user.groups[0];
        const primary = ctx.authority.snapshot.groups.find((g) => g.id === primaryId)?.name;
        if (primary) {
          if (!publications.includes(primary)) publications = [...publications, primary];
          if (!responsibles.includes(primary)) responsibles = [...responsibles, primary];
        }
      }
      await writer.upsertRegistry({
        service: body.service,
        url: body.url,
        insecure: body.insecure ?? false,
        restricted: body.restricted ?? false,
        publications,
        responsibles,
        syncInterval: body.sync_interval ?? null,
      });
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'registry.create',
        target: `registry:${body.service}`,
        service: body.service,
        details: { ...body, publications, responsibles },
      });
      reply.code(201);
      return (await render([require(body.service)]))[0];
    },
  );

  app.patch<{ Params: { service: string }; Body: RegistryBody }>(
    `${API_PREFIX}/registries/:service`,
    {
      schema: {
        summary: 'Update a registry (administrators and its managers)',
        tags,
        params: ServiceParams,
        body: UpdateRegistry,
      },
    },
    async (request) => {
      requireSomeRegistryManager(request, ctx);
      const { service } = request.params;
      await ctx.authority.refresh();
      requireRegistryManager(request, require(service), ctx);
      const body = request.body;
      await writer.upsertRegistry({
        service,
        url: body.url,
        insecure: body.insecure,
        restricted: body.restricted,
        publications: body.publications,
        responsibles: body.responsibles,
        syncInterval: body.sync_interval,
      });
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'registry.update',
        target: `registry:${service}`,
        service,
        details: { ...body },
      });
      return (await render([require(service)]))[0];
    },
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
      const principal = requireAuthenticated(request);
      if (!isAdmin(principal)) throw new Denied('only administrators may delete registries');
      await writer.deleteRegistry(request.params.service);
      await ctx.authority.refresh();
      auditChange(ctx, request, {
        action: 'registry.delete',
        target: `registry:${request.params.service}`,
        service: request.params.service,
      });
      return reply.code(204).send();
    },
  );

  await registryConfigRoute(app, ctx);
}
