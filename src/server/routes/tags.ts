/**
 * Tags through the API:
 *  - `GET    /api/v1/registries/:service/tags/<repository>`           tags known to the index
 *  - `DELETE /api/v1/registries/:service/tags/<repository>:<tag>[?dry_run=true]`
 *  - `POST   /api/v1/registries/:service/tag-deletions`  {repository, tags?|all, dry_run?}
 * Deleting needs the delete right (allowed where push is). Tags sharing the digest of a deleted
 * tag stay; a registry with deletes disabled is reported as such (409).
 */
import type { FastifyInstance } from 'fastify';
import { splitTagReference } from '../../catalog/tag-service.ts';
import { BadRequest } from '../../domain/errors.ts';
import type { AppContext } from '../context.ts';
import { callerOf } from './api/caller.ts';

const BASE = '/api/v1/registries/:service';

export async function tagsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const tags = ctx.services.tags;

  app.get<{ Params: { service: string; '*': string } }>(
    `${BASE}/tags/*`,
    { schema: { summary: 'Tags of a repository known to the index', tags: ['tags'] } },
    async (request) => tags.list(callerOf(request), request.params.service, request.params['*'] ?? ''),
  );

  app.delete<{ Params: { service: string; '*': string }; Querystring: { dry_run?: string } }>(
    `${BASE}/tags/*`,
    { schema: { summary: 'Delete one tag safely (other tags of its digest survive)', tags: ['tags'] } },
    async (request) => {
      const { repository, tag } = splitTagReference(request.params['*'] ?? '');
      if (tag === undefined)
        throw new BadRequest('name the tag as REPOSITORY:TAG (or POST tag-deletions with all: true)');
      return tags.delete(callerOf(request), request.params.service, {
        repository,
        tags: [tag],
        dryRun: request.query.dry_run === 'true' || request.query.dry_run === '1',
      });
    },
  );

  app.post<{
    Params: { service: string };
    Body: { repository?: unknown; tags?: unknown; all?: unknown; dry_run?: unknown };
  }>(
    `${BASE}/tag-deletions`,
    { schema: { summary: 'Delete several tags or a whole repository, with a dry run', tags: ['tags'] } },
    async (request) => {
      const body = request.body ?? {};
      if (typeof body.repository !== 'string' || body.repository === '')
        throw new BadRequest('repository is required');
      const names = body.tags;
      if (names !== undefined && (!Array.isArray(names) || !names.every((t) => typeof t === 'string')))
        throw new BadRequest('tags must be a list of tag names');
      return tags.delete(callerOf(request), request.params.service, {
        repository: body.repository,
        ...(names ? { tags: names as string[] } : {}),
        all: body.all === true,
        dryRun: body.dry_run === true,
      });
    },
  );
}
