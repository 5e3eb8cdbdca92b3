/**
 * Search in the format `docker search` and `podman search` read, filtered by access:
 *  - `GET /v1/_ping` (Docker's v1 ping; `X-Docker-Registry-Standalone: true` makes docker send
 *    its credentials on search);
 *  - `GET /v1/search?q=&n=&page=` → `{num_results, query, page, num_pages, page_size, results}`;
 *  - `GET /v2/search` → the same plus `tags`, `last_push` and `registry` per result.
 * The registry is the `X-Purser-Service` header (set by the nginx block from `purser registry
 * config --format nginx`) or `?service=`; without either, every registry is searched. Callers
 * see only what they may pull; podman sends no credentials here, so it sees what anonymous may.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { v1Body, v1Result } from '../../catalog/search.ts';
import type { AppContext } from '../context.ts';
import { callerOf } from './api/caller.ts';
import { API_PREFIX } from './api/openapi.ts';

export const SERVICE_HEADER = 'x-purser-service';

interface SearchQuery {
  q?: string;
  term?: string;
  n?: string;
  page?: string;
  service?: string;
}

export async function searchRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const search = ctx.services.search;

  const parse = (request: FastifyRequest<{ Querystring: SearchQuery }>) => {
    const header = request.headers[SERVICE_HEADER];
    return {
      query: request.query.q ?? request.query.term ?? '',
      pageSize: request.query.n === undefined ? undefined : Number(request.query.n),
      page: request.query.page === undefined ? undefined : Number(request.query.page),
      service: (typeof header === 'string' && header !== '' ? header : undefined) ?? request.query.service,
    };
  };

  app.get('/v1/_ping', { config: { surface: 'registry' } }, async (_request, reply) => {
    return reply
      .header('x-docker-registry-standalone', 'true')
      .header('x-docker-registry-version', '0.6.0')
      .type('application/json')
      .send('true');
  });

  app.get<{ Querystring: SearchQuery }>(
    '/v1/search',
    { config: { surface: 'registry' } },
    async (request, reply) => {
      const outcome = await search.search(callerOf(request), parse(request));
      return reply.header('cache-control', 'no-store').send(v1Body(outcome));
    },
  );

  app.get<{ Querystring: SearchQuery }>(
    `${API_PREFIX}/search`,
    {
      schema: {
        summary: 'Search the repositories of every registry that the caller may pull',
        description:
          'The same results as `GET /v2/search` (description, stars, official and automated flags, tags, last push, registry).',
        tags: ['catalog'],
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 255 })),
          n: Type.Optional(Type.String({ pattern: '^[0-9]{1,3}$' })),
          page: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })),
          service: Type.Optional(Type.String({ maxLength: 255 })),
        }),
      },
    },
    async (request) => searchBody(await search.searchWithTags(callerOf(request), parse(request))),
  );

  app.get<{ Querystring: SearchQuery }>(
    '/v2/search',
    { config: { surface: 'registry' } },
    async (request, reply) => {
      const found = await search.searchWithTags(callerOf(request), parse(request));
      return reply.header('cache-control', 'no-store').send(searchBody(found));
    },
  );
}

type FoundWithTags = Awaited<ReturnType<AppContext['services']['search']['searchWithTags']>>;

/** The /v2/search body: the v1 body plus registry, tags and last push per result. */
export function searchBody({ outcome, tags }: FoundWithTags) {
  return {
    ...v1Body(outcome),
    results: outcome.hits.map((hit) => ({
      ...v1Result(hit),
      registry: hit.registry.service,
      tags: tags.get(hit.repository.id) ?? [],
      last_push:
        hit.repository.lastPushAt === null ? null : new Date(hit.repository.lastPushAt).toISOString(),
    })),
  };
}
