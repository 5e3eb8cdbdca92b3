/**
 * Tag deletion as the API and CLI offer it: access-checked (delete is allowed where push is),
 * planned against the registry's live state, safe for tags sharing a digest, with a dry run,
 * audited, and reflected in the index at once (the registry's delete events confirm it later).
 */
import type { Kysely } from 'kysely';
import type { AuditSink } from '../audit/audit-entry.ts';
import { BadRequest, NotFound } from '../domain/errors.ts';
import { type Principal, principalName } from '../domain/model.ts';
import type { AccessModel } from '../policy/access-model.ts';
import { RegistryClient, type TokenSource } from '../registry-client/registry-client.ts';
import { RegistryRequestError } from '../registry-client/registry-request-error.ts';
import {
  executeTagDeletion,
  planTagDeletion,
  type TagDeletionStep,
} from '../registry-client/tag-deletion.ts';
import type { Database } from '../store/schema.ts';
import { requireRepository } from './caller-access.ts';
import type { CatalogRegistry } from './registry-lookup.ts';
import { applyTagDelete, bumpCatalogVersion, findRepositoryId } from './repository-store.ts';

export interface TagDeletionRequest {
  readonly repository: string;
  /** Tags to delete; ignored with `all`. */
  readonly tags?: readonly string[];
  /** Every tag of the repository. */
  readonly all?: boolean;
  readonly dryRun?: boolean;
}

export interface TagDeletionOutcome {
  readonly service: string;
  readonly repository: string;
  readonly dryRun: boolean;
  readonly steps: readonly TagDeletionStep[];
  readonly deleted: readonly string[];
  readonly missing: readonly string[];
  /** Dry runs only: whether the registry accepts deletes (storage.delete.enabled). */
  readonly deleteEnabled?: boolean;
}

export interface TagServiceDeps {
  readonly db: Kysely<Database>;
  readonly model: AccessModel;
  readonly tokens: TokenSource;
  readonly audit: AuditSink;
}

export async function deleteTags(
  deps: TagServiceDeps,
  registry: CatalogRegistry,
  principal: Principal,
  request: TagDeletionRequest,
  sourceAddress?: string,
): Promise<TagDeletionOutcome> {
  requireRepository(deps.model, principal, registry, request.repository, 'delete', sourceAddress);
  const client = new RegistryClient({
    url: registry.url,
    tokens: deps.tokens,
    userAgent: 'purser',
    insecure: registry.insecure,
  });
  let tags = request.tags ?? [];
  if (!request.all && tags.length === 0)
    throw new BadRequest('name the tags to delete, or ask for all of them');
  const plan = await readPlan(registry.service, request, async () => {
    if (request.all) tags = await client.listTags(request.repository);
    return planTagDeletion(client, request.repository, tags);
  });
  if (!request.all && plan.steps.length === 0 && plan.missing.length > 0) {
    throw new NotFound(`${request.repository}:${plan.missing.join(', ')} not found on ${registry.service}`);
  }
  const base = {
    service: registry.service,
    repository: request.repository,
    steps: plan.steps,
    missing: plan.missing,
  };
  if (request.dryRun) {
    const deleteEnabled = await client.deleteSupported(request.repository);
    return { ...base, dryRun: true, deleted: [], deleteEnabled };
  }
  const actor = principalName(principal) || 'anonymous';
  let deleted: readonly string[] = [];
  try {
    const result = await executeTagDeletion(client, registry.service, plan);
    deleted = result.deleted;
  } finally {
    await deps.audit.record({
      action: 'tag.delete',
      actor,
      actorKind: principal.kind,
      target: `${request.repository}:${tags.join(',')}`,
      outcome: deleted.length > 0 || plan.steps.length === 0 ? 'success' : 'failure',
      service: registry.service,
      ...(sourceAddress === undefined ? {} : { sourceAddress }),
      details: { requested: tags, deleted, steps: plan.steps.map((s) => s.kind) },
    });
  }
  const repositoryId = await findRepositoryId(deps.db, registry.id, request.repository);
  if (repositoryId !== undefined && deleted.length > 0) {
    const now = Date.now();
    await deps.db.transaction().execute(async (trx) => {
      for (const tag of deleted) await applyTagDelete(trx, repositoryId, tag, now);
      await bumpCatalogVersion(trx);
    });
  }
  return { ...base, dryRun: false, deleted };
}

/** The registry's "no such repository" (404, NAME_UNKNOWN) is our NOT_FOUND, not a failure of the registry. */
async function readPlan<T>(service: string, request: TagDeletionRequest, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof RegistryRequestError && error.notFound)
      throw new NotFound(`repository ${request.repository} not found on ${service}`);
    throw error;
  }
}

/** `repo:tag` → [repo, tag]; the tag follows the last `:` after the last `/`. */
export function splitTagReference(reference: string): { repository: string; tag: string | undefined } {
  const slash = reference.lastIndexOf('/');
  const colon = reference.lastIndexOf(':');
  if (colon > slash && colon > 0)
    return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repository: reference, tag: undefined };
}
