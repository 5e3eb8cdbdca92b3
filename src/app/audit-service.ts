/**
 * The audit log for people (administrators: everything; a registry's responsible managers:
 * that registry's entries): one page of a query, an export of everything matching, and "who
 * pulled this image".
 */
import type { Kysely } from 'kysely';
import { auditActivity } from '../audit/audit-activity.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import {
  type AuditRetention,
  type PruneOptions,
  type PruneSummary,
  pruneAudit,
} from '../audit/audit-prune.ts';
import type { AuditQuery } from '../audit/audit-query.ts';
import { auditScope } from '../catalog/caller-access.ts';
import type { CatalogServices } from '../catalog/catalog-services.ts';
import { findRegistry } from '../catalog/registry-lookup.ts';
import { findRepositoryId, tagsOf } from '../catalog/repository-store.ts';
import { splitTagReference } from '../catalog/tag-service.ts';
import { BadRequest } from '../domain/errors.ts';
import type { Database } from '../store/schema.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';

export interface ImageUsageRequest {
  /** REPOSITORY:TAG, REPOSITORY@DIGEST or a digest. */
  readonly image: string | undefined;
  readonly service?: string | undefined;
  /** Epoch ms. */
  readonly since?: number | undefined;
}

export interface AuditServiceDeps {
  readonly db: Kysely<Database>;
  readonly log: AuditLog;
  readonly catalog: Pick<CatalogServices, 'model'>;
}

export class AuditService {
  constructor(private readonly deps: AuditServiceDeps) {}

  /** Compacts repeated token grants, deletes what is past retention (administrators). */
  prune(caller: Caller, retention: AuditRetention, options: PruneOptions = {}): Promise<PruneSummary> {
    requireAdmin(caller);
    return pruneAudit(this.deps.db, retention, options);
  }

  async query(caller: Caller, filter: AuditQuery, page: number, perPage: number) {
    const result = await this.deps.log.query(this.#scoped(caller, filter), page, perPage);
    return { total: result.total, page: result.page, per_page: result.perPage, entries: result.entries };
  }

  /** Every matching entry, oldest first, as CSV lines or JSON array text. */
  export(caller: Caller, filter: AuditQuery, format: 'csv' | 'json'): AsyncGenerator<string> {
    const scoped = this.#scoped(caller, filter);
    return format === 'csv' ? this.deps.log.exportCsv(scoped) : this.deps.log.exportJson(scoped);
  }

  /** Pulls and pushes per registry and per bucket (days by default), over the filter's time range. */
  async activity(caller: Caller, filter: AuditQuery, bucket: 'hour' | 'day' = 'day') {
    const bucketMs = bucket === 'hour' ? 3_600_000 : 86_400_000;
    return { bucket, points: await auditActivity(this.deps.db, this.#scoped(caller, filter), bucketMs) };
  }

  /** Who pulled an image (by digest, or by repository:tag through the index). */
  async usage(caller: Caller, request: ImageUsageRequest) {
    const scope = auditScope(this.deps.catalog.model(), caller.principal);
    const image = request.image;
    if (!image) throw new BadRequest('image is required: REPOSITORY:TAG, REPOSITORY@DIGEST or a digest');
    const service = request.service;
    if (scope !== undefined) {
      if (service === undefined && scope.length !== 1) throw new BadRequest('service is required');
      if (service !== undefined && !scope.includes(service))
        throw new BadRequest(`you may not read the audit log of ${service}`);
    }
    const effectiveService = service ?? scope?.[0];
    let repository: string | undefined;
    let tag: string | undefined;
    const digests: string[] = [];
    const at = image.indexOf('@');
    if (/^sha256:[a-f0-9]{64}$/.test(image)) digests.push(image);
    else if (at > 0) {
      repository = image.slice(0, at);
      digests.push(image.slice(at + 1));
    } else {
      const ref = splitTagReference(image);
      repository = ref.repository;
      tag = ref.tag ?? 'latest';
      if (effectiveService !== undefined) {
        const registry = await findRegistry(this.deps.db, effectiveService);
        const id = registry ? await findRepositoryId(this.deps.db, registry.id, repository) : undefined;
        const digest = id === undefined ? undefined : (await tagsOf(this.deps.db, id)).get(tag)?.digest;
        if (digest) digests.push(digest);
      }
    }
    const users = await this.deps.log.usage({
      ...(effectiveService === undefined ? {} : { service: effectiveService }),
      ...(repository === undefined ? {} : { repository }),
      ...(tag === undefined ? {} : { tag }),
      digests,
      ...(request.since === undefined ? {} : { since: request.since }),
    });
    return {
      image,
      service: effectiveService ?? null,
      digests,
      users: users.map((u) => ({
        principal: u.actor,
        kind: u.actorKind,
        pulls: u.pulls,
        first_pull: u.firstPull,
        last_pull: u.lastPull,
        addresses: u.addresses,
        digests: u.digests,
      })),
    };
  }

  /** Non-administrators see the services they are responsible managers of. */
  #scoped(caller: Caller, filter: AuditQuery): AuditQuery {
    const scope = auditScope(this.deps.catalog.model(), caller.principal);
    return scope === undefined ? filter : { ...filter, services: scope };
  }
}
