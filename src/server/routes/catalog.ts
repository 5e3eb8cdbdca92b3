/**
 * The catalog API (filtered by access, unlike the registry's own `/v2/_catalog`):
 *  - `GET  /api/v1/registries/:service/catalog?n=&last=`  Distribution format + Link paging
 *  - `GET  /api/v1/registries/:service/repositories?q=&n=&page=&include_empty=`
 *  - `GET  /api/v1/registries/:service/repositories/<name>`        tags with digests
 *  - `PATCH /api/v1/registries/:service/repositories/<name>`       description, is_official,
 *     is_automated (needs push)
 *  - `PUT|DELETE /api/v1/registries/:service/stars/<name>`         star / unstar (needs pull)
 *  - `POST /api/v1/registries/:service/sync[?stream=ndjson]`       discovery now (managers)
 *  - `GET  /api/v1/registries/:service/sync`                       last run
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { principalLabel, requireManager, requireRepository } from '../../catalog/caller-access.ts';
import { lastSync, syncRegistry } from '../../catalog/discovery.ts';
import { requireRegistry } from '../../catalog/registry-lookup.ts';
import {
  bumpCatalogVersion,
  findRepositoryId,
  setStar,
  tagsFor,
  tagsOf,
  updateProperties,
} from '../../catalog/repository-store.ts';
import { searchRepositories } from '../../catalog/search.ts';
import { BadRequest, NotFound } from '../../domain/errors.ts';
import { principalName } from '../../domain/model.ts';
import type { AppContext } from '../context.ts';

const BASE = '/api/v1/registries/:service';

export async function catalogRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const services = ctx.catalog;
  const registryOf = async (request: FastifyRequest<{ Params: { service: string } }>) => {
    const registry = services.model().registryByService(request.params.service);
    if (!registry) throw new NotFound(`no registry with service "${request.params.service}"`);
    return registry;
  };
  const repositoryName = (request: FastifyRequest<{ Params: { '*': string } }>) => {
    const name = decodeURIComponent(request.params['*'] ?? '').replace(/^\/+|\/+$/g, '');
    if (name === '') throw new BadRequest('a repository name is required');
    return name;
  };

  app.get<{ Params: { service: string }; Querystring: { n?: string; last?: string } }>(
    `${BASE}/catalog`,
    {
      schema: {
        summary: 'Catalog of a registry, filtered by access (Distribution format, Link paging)',
        tags: ['catalog'],
      },
    },
    async (request, reply) => {
      const registry = await registryOf(request);
      const model = services.model();
      const slice = await services.searchIndex.slice(registry.id);
      const visible = services.searchIndex.visibility(model, request.principal, registry, slice, request.ip);
      const n = Math.min(Math.max(Number(request.query.n ?? 100) || 100, 1), 10_000);
      const last = request.query.last ?? '';
      const names: string[] = [];
      let more = false;
      for (let i = 0; i < slice.repositories.length; i++) {
        if (!visible[i]) continue;
        const name = slice.repositories[i]!.name;
        if (last !== '' && name <= last) continue;
        if (names.length === n) {
          more = true;
          break;
        }
        names.push(name);
      }
      if (more) {
        const next = `/api/v1/registries/${encodeURIComponent(registry.service)}/catalog?n=${n}&last=${encodeURIComponent(names[names.length - 1]!)}`;
        reply.header('link', `<${next}>; rel="next"`);
      }
      return { repositories: names };
    },
  );

  app.get<{
    Params: { service: string };
    Querystring: { q?: string; n?: string; page?: string; include_empty?: string };
  }>(
    `${BASE}/repositories`,
    {
      schema: {
        summary: 'Search the repositories of a registry that the caller may pull',
        tags: ['catalog'],
      },
    },
    async (request) => {
      const registry = await registryOf(request);
      const outcome = await searchRepositories(services.searchIndex, services.model(), [registry], {
        query: request.query.q ?? '',
        pageSize: request.query.n === undefined ? undefined : Number(request.query.n),
        page: request.query.page === undefined ? undefined : Number(request.query.page),
        principal: request.principal,
        sourceAddress: request.ip,
        includeEmpty: request.query.include_empty === 'true' || request.query.include_empty === '1',
      });
      const tags = await tagsFor(
        ctx.db,
        outcome.hits.map((h) => h.repository.id),
      );
      return {
        num_results: outcome.numResults,
        page: outcome.page,
        num_pages: outcome.numPages,
        page_size: outcome.pageSize,
        repositories: outcome.hits.map(({ repository: r }) => ({
          name: r.name,
          description: r.description,
          star_count: r.starCount,
          is_official: r.official,
          is_automated: r.automated,
          empty: r.empty,
          tags: tags.get(r.id) ?? [],
          last_push: r.lastPushAt === null ? null : new Date(r.lastPushAt).toISOString(),
        })),
      };
    },
  );

  app.get<{ Params: { service: string; '*': string } }>(
    `${BASE}/repositories/*`,
    { schema: { summary: 'One repository with its tags and digests', tags: ['catalog'] } },
    async (request) => {
      const registry = await registryOf(request);
      const name = repositoryName(request);
      requireRepository(services.model(), request.principal, registry, name, 'pull', request.ip);
      const row = await ctx.db
        .selectFrom('repositories')
        .selectAll()
        .where('registry_id', '=', registry.id)
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) throw new NotFound(`repository ${name} not found on ${registry.service}`);
      const tags = await tagsOf(ctx.db, Number(row.id));
      return {
        name: row.name,
        description: row.description,
        star_count: Number(row.star_count),
        is_official: row.official === 1,
        is_automated: row.automated === 1,
        empty: row.empty === 1,
        last_push: row.last_push_at === null ? null : new Date(Number(row.last_push_at)).toISOString(),
        tags: [...tags]
          .sort((a, b) => (a[0] < b[0] ? -1 : 1))
          .map(([tag, t]) => ({ tag, digest: t.digest, updated: new Date(t.updatedAt).toISOString() })),
      };
    },
  );

  app.patch<{
    Params: { service: string; '*': string };
    Body: { description?: unknown; is_official?: unknown; is_automated?: unknown };
  }>(
    `${BASE}/repositories/*`,
    { schema: { summary: 'Edit the search properties of a repository (pushers)', tags: ['catalog'] } },
    async (request) => {
      const registry = await registryOf(request);
      const name = repositoryName(request);
      requireRepository(services.model(), request.principal, registry, name, 'push', request.ip);
      const body = request.body ?? {};
      const props: { description?: string; official?: boolean; automated?: boolean } = {};
      if (body.description !== undefined) {
        if (typeof body.description !== 'string' || body.description.length > 1000)
          throw new BadRequest('description must be a string of at most 1000 characters');
        props.description = body.description;
      }
      for (const [key, prop] of [
        ['is_official', 'official'],
        ['is_automated', 'automated'],
      ] as const) {
        const value = body[key];
        if (value === undefined) continue;
        if (typeof value !== 'boolean') throw new BadRequest(`${key} must be true or false`);
        props[prop] = value;
      }
      const id = await findRepositoryId(ctx.db, registry.id, name);
      if (id === undefined) throw new NotFound(`repository ${name} not found on ${registry.service}`);
      await ctx.db.transaction().execute(async (trx) => {
        await updateProperties(trx, id, props);
        await bumpCatalogVersion(trx);
      });
      services.searchIndex.invalidate();
      ctx.audit.record({
        action: 'repository.update',
        actor: principalName(request.principal) || 'anonymous',
        actorKind: request.principal.kind,
        target: `repository:${name}`,
        outcome: 'success',
        service: registry.service,
        sourceAddress: request.ip,
        details: props,
      });
      return { name, ...props };
    },
  );

  for (const method of ['PUT', 'DELETE'] as const) {
    app.route<{ Params: { service: string; '*': string } }>({
      method,
      url: `${BASE}/stars/*`,
      schema: {
        summary: method === 'PUT' ? 'Star a repository (pullers)' : 'Remove your star from a repository',
        tags: ['catalog'],
      },
      handler: async (request) => {
        const registry = await registryOf(request);
        const name = repositoryName(request);
        if (request.principal.kind === 'anonymous')
          throw new NotFound(`repository ${name} not found on ${registry.service}`);
        requireRepository(services.model(), request.principal, registry, name, 'pull', request.ip);
        const id = await findRepositoryId(ctx.db, registry.id, name);
        if (id === undefined) throw new NotFound(`repository ${name} not found on ${registry.service}`);
        const count = await ctx.db.transaction().execute(async (trx) => {
          const n = await setStar(trx, id, principalLabel(request.principal), method === 'PUT');
          await bumpCatalogVersion(trx);
          return n;
        });
        services.searchIndex.invalidate();
        return { name, starred: method === 'PUT', star_count: count };
      },
    });
  }

  app.post<{ Params: { service: string }; Querystring: { stream?: string; deep?: string } }>(
    `${BASE}/sync`,
    { schema: { summary: 'Run discovery of a registry now (managers)', tags: ['catalog'] } },
    async (request, reply) => {
      const registry = await requireRegistry(ctx.db, request.params.service);
      requireManager(services.model(), request.principal, registry);
      const options = { deep: request.query.deep === 'true', signal: ctx.shutdown };
      const tokens = services.tokens(registry.service);
      if (request.query.stream !== 'ndjson') {
        const report = await syncRegistry(ctx.db, registry, tokens, options);
        services.searchIndex.invalidate();
        return report;
      }
      const stream = new PassThrough();
      let lastWrite = 0;
      void syncRegistry(ctx.db, registry, tokens, {
        ...options,
        onProgress: (progress) => {
          const now = Date.now();
          if (progress.phase === 'tags' && progress.done < progress.total && now - lastWrite < 100) return;
          lastWrite = now;
          stream.write(`${JSON.stringify({ progress })}\n`);
        },
      })
        .then((report) => {
          services.searchIndex.invalidate();
          stream.end(`${JSON.stringify({ report })}\n`);
        })
        .catch((error: unknown) => {
          stream.end(
            `${JSON.stringify({ error: error instanceof Error ? error.message : String(error) })}\n`,
          );
        });
      return reply.type('application/x-ndjson').send(stream);
    },
  );

  app.get<{ Params: { service: string } }>(
    `${BASE}/sync`,
    { schema: { summary: 'The last discovery run of a registry', tags: ['catalog'] } },
    async (request) => {
      const registry = await requireRegistry(ctx.db, request.params.service);
      requireManager(services.model(), request.principal, registry);
      const last = await lastSync(ctx.db, registry.id);
      return {
        service: registry.service,
        state: last?.state ?? 'never',
        started_at: last?.startedAt ? new Date(last.startedAt).toISOString() : null,
        finished_at: last?.finishedAt ? new Date(last.finishedAt).toISOString() : null,
        interval_seconds: registry.syncInterval ?? 120,
      };
    },
  );
}
