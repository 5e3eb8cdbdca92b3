/**
 * Tags of a repository: the ones the index knows (pull), and safe deletion (delete is allowed
 * where push is). Tags sharing the digest of a deleted tag stay; a registry with deletes
 * disabled is reported as such. The deletion itself, its plan and its audit entry are the
 * catalog's (src/catalog/tag-service.ts); this service finds the registry and keeps the search
 * index in step.
 */
import type { Kysely } from 'kysely';
import type { AuditSink } from '../audit/audit-entry.ts';
import { requireRepository } from '../catalog/caller-access.ts';
import type { CatalogServices } from '../catalog/catalog-services.ts';
import { manifestSizes } from '../catalog/manifest-sizes.ts';
import { requireRegistry } from '../catalog/registry-lookup.ts';
import { findRepositoryId, tagsOf } from '../catalog/repository-store.ts';
import { deleteTags, type TagDeletionOutcome, type TagDeletionRequest } from '../catalog/tag-service.ts';
import { checkRepositoryName, checkTagName } from '../domain/access.ts';
import { NotFound } from '../domain/errors.ts';
import type { Database } from '../store/schema.ts';
import type { Caller } from './caller.ts';

export interface TagServiceDeps {
  readonly db: Kysely<Database>;
  readonly catalog: CatalogServices;
  readonly audit: AuditSink;
}

export class TagService {
  constructor(private readonly deps: TagServiceDeps) {}

  /** The tags the index knows, sorted, with their digests and the image sizes already measured. */
  async list(caller: Caller, service: string, repository: string) {
    checkRepositoryName(repository);
    const registry = await requireRegistry(this.deps.db, service);
    requireRepository(
      this.deps.catalog.model(),
      caller.principal,
      registry,
      repository,
      'pull',
      caller.sourceAddress,
    );
    const id = await findRepositoryId(this.deps.db, registry.id, repository);
    if (id === undefined) throw new NotFound(`repository ${repository} not found on ${registry.service}`);
    const tags = await tagsOf(this.deps.db, id);
    const digests = [...tags.values()].flatMap((t) => (t.digest ? [t.digest] : []));
    const sizes = await manifestSizes(this.deps.db, undefined, repository, digests);
    return {
      name: repository,
      tags: [...tags]
        .sort((a, b) => (a[0] < b[0] ? -1 : 1))
        .map(([tag, t]) => ({
          tag,
          digest: t.digest,
          size: (t.digest ? sizes.get(t.digest) : undefined) ?? null,
        })),
    };
  }

  async delete(caller: Caller, service: string, request: TagDeletionRequest): Promise<TagDeletionOutcome> {
    checkRepositoryName(request.repository);
    for (const tag of request.tags ?? []) checkTagName(tag);
    const registry = await requireRegistry(this.deps.db, service);
    const outcome = await deleteTags(
      {
        db: this.deps.db,
        model: this.deps.catalog.model(),
        audit: this.deps.audit,
        tokens: this.deps.catalog.tokens(registry.service),
      },
      registry,
      caller.principal,
      request,
      caller.sourceAddress,
    );
    if (outcome.deleted.length > 0) this.deps.catalog.searchIndex.invalidate();
    return outcome;
  }
}
