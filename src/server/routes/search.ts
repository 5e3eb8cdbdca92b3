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
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { v1Body, v1Result } from '../../catalog/search.ts';
import type { AppContext } from '../context.ts';
import { callerOf } from './api/caller.ts';

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
    '/v2/search',
    { config: { surface: 'registry' } },
    async (request, reply) => {
      const { outcome, tags } = await search.searchWithTags(callerOf(request), parse(request));
      return reply.header('cache-control', 'no-store').send({
        ...v1Body(outcome),
        results: outcome.hits.map((hit) => ({
          ...v1Result(hit),
          registry: hit.registry.service,
          tags: tags.get(hit.repository.id) ?? [],
          last_push:
            hit.repository.lastPushAt === null ? null : new Date(hit.repository.lastPushAt).toISOString(),
        })),
      });
    },
  );
}
