/**
 * Tags through the API:
 *  - `GET    /api/v1/registries/:service/tags/<repository>`           tags known to the index
 *  - `DELETE /api/v1/registries/:service/tags/<repository>:<tag>[?dry_run=true]`
 *  - `POST   /api/v1/registries/:service/tag-deletions`  {repository, tags?|all, dry_run?}
 * Deleting needs the delete right (allowed where push is). Tags sharing the digest of a deleted
 * tag stay; a registry with deletes disabled is reported as such (409).
 */
import type { FastifyInstance } from 'fastify';
import { requireRepository } from '../../catalog/caller-access.ts';
import { requireRegistry } from '../../catalog/registry-lookup.ts';
import { findRepositoryId, tagsOf } from '../../catalog/repository-store.ts';
import { deleteTags, splitTagReference } from '../../catalog/tag-service.ts';
import { BadRequest, NotFound } from '../../domain/errors.ts';
import type { AppContext } from '../context.ts';

const BASE = '/api/v1/registries/:service';

export async function tagsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const services = ctx.catalog;
  const deps = () => ({ db: ctx.db, model: services.model(), audit: ctx.audit });
  const afterDelete = (deleted: readonly string[]) => {
    if (deleted.length > 0) services.searchIndex.invalidate();
  };

  app.get<{ Params: { service: string; '*': string } }>(
    `${BASE}/tags/*`,
    { schema: { summary: 'Tags of a repository known to the index', tags: ['tags'] } },
    async (request) => {
      const registry = await requireRegistry(ctx.db, request.params.service);
      const name = decodeURIComponent(request.params['*'] ?? '');
      requireRepository(services.model(), request.principal, registry, name, 'pull', request.ip);
      const id = await findRepositoryId(ctx.db, registry.id, name);
      if (id === undefined) throw new NotFound(`repository ${name} not found on ${registry.service}`);
      const tags = await tagsOf(ctx.db, id);
      return {
        name,
        tags: [...tags].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([tag, t]) => ({ tag, digest: t.digest })),
      };
    },
  );

  app.delete<{ Params: { service: string; '*': string }; Querystring: { dry_run?: string } }>(
    `${BASE}/tags/*`,
    { schema: { summary: 'Delete one tag safely (other tags of its digest survive)', tags: ['tags'] } },
    async (request) => {
      const registry = await requireRegistry(ctx.db, request.params.service);
      const { repository, tag } = splitTagReference(decodeURIComponent(request.params['*'] ?? ''));
      if (tag === undefined)
        throw new BadRequest('name the tag as REPOSITORY:TAG (or POST tag-deletions with all: true)');
      const outcome = await deleteTags(
        { ...deps(), tokens: services.tokens(registry.service) },
        registry,
        request.principal,
        {
          repository,
          tags: [tag],
          dryRun: request.query.dry_run === 'true' || request.query.dry_run === '1',
        },
        request.ip,
      );
      afterDelete(outcome.deleted);
      return outcome;
    },
  );

  app.post<{
    Params: { service: string };
    Body: { repository?: unknown; tags?: unknown; all?: unknown; dry_run?: unknown };
  }>(
    `${BASE}/tag-deletions`,
    { schema: { summary: 'Delete several tags or a whole repository, with a dry run', tags: ['tags'] } },
    async (request) => {
      const registry = await requireRegistry(ctx.db, request.params.service);
      const body = request.body ?? {};
      if (typeof body.repository !== 'string' || body.repository === '')
        throw new BadRequest('repository is required');
      const tags = body.tags === undefined ? undefined : body.tags;
      if (tags !== undefined && (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')))
        throw new BadRequest('tags must be a list of tag names');
      const outcome = await deleteTags(
        { ...deps(), tokens: services.tokens(registry.service) },
        registry,
        request.principal,
        {
          repository: body.repository,
          ...(tags ? { tags: tags as string[] } : {}),
          all: body.all === true,
          dryRun: body.dry_run === true,
        },
        request.ip,
      );
      afterDelete(outcome.deleted);
      return outcome;
    },
  );
}
