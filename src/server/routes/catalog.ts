/**
 * The catalog API (filtered by access, unlike the registry's own `/v2/_catalog`):
 *  - `GET  /api/v1/registries/:service/catalog?n=&last=`  Distribution format + Link paging
 *  - `GET  /api/v1/registries/:service/repositories?q=&n=&page=&include_empty=`
 *  - `GET  /api/v1/registries/:service/repositories/<name>`        tags with digests and sizes
 *  - `PATCH /api/v1/registries/:service/repositories/<name>`       description, is_official,
 *     is_automated (needs push)
 *  - `PUT|DELETE /api/v1/registries/:service/stars/<name>`         star / unstar (needs pull)
 *  - `POST /api/v1/registries/:service/sync[?stream=ndjson]`       discovery now (managers)
 *  - `GET  /api/v1/registries/:service/sync`                       last run
 */
import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RepositoryProperties } from '../../catalog/repository-properties.ts';
import { BadRequest } from '../../domain/errors.ts';
import type { AppContext } from '../context.ts';
import { callerOf } from './api/caller.ts';

const BASE = '/api/v1/registries/:service';

export async function catalogRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const repositories = ctx.services.repositories;
  // Fastify has decoded the path once; a `%` left in it is not part of any repository name.
  const repositoryName = (request: FastifyRequest<{ Params: { '*': string } }>) => {
    const name = (request.params['*'] ?? '').replace(/^\/+|\/+$/g, '');
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
      const n = Math.min(Math.max(Number(request.query.n ?? 100) || 100, 1), 10_000);
      const page = await repositories.catalogPage(
        callerOf(request),
        request.params.service,
        n,
        request.query.last ?? '',
      );
      const names = page.repositories;
      if (page.more) {
        const next = `/api/v1/registries/${encodeURIComponent(page.registry.service)}/catalog?n=${n}&last=${encodeURIComponent(names[names.length - 1]!)}`;
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
    async (request) =>
      repositories.search(callerOf(request), request.params.service, {
        query: request.query.q ?? '',
        pageSize: request.query.n === undefined ? undefined : Number(request.query.n),
        page: request.query.page === undefined ? undefined : Number(request.query.page),
        includeEmpty: request.query.include_empty === 'true' || request.query.include_empty === '1',
      }),
  );

  app.get<{ Params: { service: string; '*': string } }>(
    `${BASE}/repositories/*`,
    { schema: { summary: 'One repository with its tags, digests and image sizes', tags: ['catalog'] } },
    async (request) => repositories.show(callerOf(request), request.params.service, repositoryName(request)),
  );

  app.patch<{
    Params: { service: string; '*': string };
    Body: { description?: unknown; is_official?: unknown; is_automated?: unknown };
  }>(
    `${BASE}/repositories/*`,
    { schema: { summary: 'Edit the search properties of a repository (pushers)', tags: ['catalog'] } },
    async (request) => {
      const name = repositoryName(request);
      const body = request.body ?? {};
      const props: { -readonly [K in keyof RepositoryProperties]: RepositoryProperties[K] } = {};
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
      return repositories.updateProperties(callerOf(request), request.params.service, name, props);
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
      handler: async (request) =>
        repositories.star(
          callerOf(request),
          request.params.service,
          repositoryName(request),
          method === 'PUT',
        ),
    });
  }

  app.post<{ Params: { service: string }; Querystring: { stream?: string; deep?: string } }>(
    `${BASE}/sync`,
    {
      schema: {
        summary: 'Run discovery of a registry now (managers)',
        description:
          'With `stream=ndjson`, one JSON line per progress step (`{"progress"}`), then `{"report"}` or `{"error"}`.',
        tags: ['catalog'],
        querystring: Type.Object({
          stream: Type.Optional(Type.String({ maxLength: 10, description: 'ndjson: progress lines' })),
          deep: Type.Optional(Type.String({ maxLength: 5, description: 'true: re-read every manifest' })),
        }),
      },
    },
    async (request, reply) => {
      const sync = await repositories.authorizeSync(callerOf(request), request.params.service);
      const deep = request.query.deep === 'true';
      if (request.query.stream !== 'ndjson') return sync({ deep });
      const stream = new PassThrough();
      let lastWrite = 0;
      void sync({
        deep,
        onProgress: (progress) => {
          const now = Date.now();
          if (progress.phase === 'tags' && progress.done < progress.total && now - lastWrite < 100) return;
          lastWrite = now;
          stream.write(`${JSON.stringify({ progress })}\n`);
        },
      })
        .then((report) => {
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
    async (request) => repositories.lastSync(callerOf(request), request.params.service),
  );
}
