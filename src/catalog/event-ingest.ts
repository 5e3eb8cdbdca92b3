/**
 * Stores registry notifications and keeps the repository index fresh from them.
 *
 * Idempotent: the (service, event id) pair is unique in the audit log, so a retried event is
 * recognised and skipped (also across restarts). Everything happens in one transaction that
 * commits before the endpoint answers 2xx, so an acknowledged event is never lost. Index
 * updates carry the event time and never let an older event overwrite a newer fact, so events
 * may arrive in any order.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditLogTable } from '../store/catalog-tables.ts';
import type { Database } from '../store/schema.ts';
import { isManifestMediaType, type RegistryEvent } from './registry-event.ts';
import {
  applyDigestDelete,
  applyTagDelete,
  applyTagPush,
  bumpCatalogVersion,
  ensureRepository,
  findRepositoryId,
} from './repository-store.ts';

export interface IngestResult {
  /** Events stored now. */
  readonly stored: number;
  /** Events already stored before (retries). */
  readonly duplicates: number;
  /** Whether the repository index changed. */
  readonly indexChanged: boolean;
}

/** The principal's kind for an actor name (the token `sub`). */
export async function actorKinds(
  db: Kysely<Database> | Transaction<Database>,
  names: readonly string[],
): Promise<Map<string, AuditLogTable['actor_kind']>> {
  const kinds = new Map<string, AuditLogTable['actor_kind']>();
  const wanted = [...new Set(names.filter((n) => n !== ''))];
  if (wanted.length > 0) {
    const [robots, services, users] = await Promise.all([
      db.selectFrom('robots').select('name').where('name', 'in', wanted).execute(),
      db.selectFrom('services').select('name').where('name', 'in', wanted).execute(),
      db.selectFrom('users').select('name').where('name', 'in', wanted).execute(),
    ]);
    for (const r of robots) kinds.set(r.name, 'robot');
    for (const s of services) kinds.set(s.name, 'service');
    for (const u of users) kinds.set(u.name, 'user');
  }
  for (const name of wanted) if (!kinds.has(name)) kinds.set(name, name === 'purser' ? 'system' : 'user');
  kinds.set('', 'anonymous');
  return kinds;
}

export async function ingestRegistryEvents(
  db: Kysely<Database>,
  registry: { id: number; service: string },
  events: readonly RegistryEvent[],
): Promise<IngestResult> {
  if (events.length === 0) return { stored: 0, duplicates: 0, indexChanged: false };
  return db.transaction().execute(async (trx) => {
    const kinds = await actorKinds(
      trx,
      events.map((e) => e.actor),
    );
    let stored = 0;
    let duplicates = 0;
    let indexChanged = false;
    for (const event of events) {
      const result = await trx
        .insertInto('audit_log')
        .values({
          time: event.time,
          source: 'registry',
          event_id: event.id,
          action: event.action,
          actor: event.actor || 'anonymous',
          actor_kind: kinds.get(event.actor) ?? 'user',
          outcome: 'success',
          target: `${event.repository}${event.tag ? `:${event.tag}` : ''}${event.digest ? `@${event.digest}` : ''}`,
          service: registry.service,
          repository: event.repository,
          tag: event.tag ?? null,
          digest: event.digest ?? null,
          media_type: event.mediaType ?? null,
          size: event.size ?? null,
          source_address: event.sourceAddress ?? null,
          user_agent: event.userAgent ?? null,
          details: JSON.stringify(details(event)),
        })
        .onConflict((oc) => oc.columns(['service', 'event_id']).doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) {
        duplicates++;
        continue;
      }
      stored++;
      if (await applyToIndex(trx, registry.id, event)) indexChanged = true;
    }
    if (indexChanged) await bumpCatalogVersion(trx);
    return { stored, duplicates, indexChanged };
  });
}

/** Applies one new event to the repository index; returns whether it changed anything. */
async function applyToIndex(
  trx: Transaction<Database>,
  registryId: number,
  event: RegistryEvent,
): Promise<boolean> {
  if (event.action === 'push' && (event.tag !== undefined || isManifestMediaType(event.mediaType))) {
    const repositoryId = await ensureRepository(trx, registryId, event.repository, event.time);
    if (event.tag !== undefined)
      await applyTagPush(trx, repositoryId, event.tag, event.digest ?? null, event.time);
    return true;
  }
  if (event.action === 'delete') {
    const repositoryId = await findRepositoryId(trx, registryId, event.repository);
    if (repositoryId === undefined) return false;
    if (event.tag !== undefined) await applyTagDelete(trx, repositoryId, event.tag, event.time);
    else if (event.digest !== undefined) await applyDigestDelete(trx, repositoryId, event.digest, event.time);
    return true;
  }
  return false;
}

function details(event: RegistryEvent): Record<string, unknown> {
  const d: Record<string, unknown> = {};
  if (event.method) d.method = event.method;
  if (event.requestId) d.request_id = event.requestId;
  if (event.fromRepository) d.from_repository = event.fromRepository;
  if (event.registryInstance) d.registry_instance = event.registryInstance;
  if (event.references.length > 0) d.references = event.references;
  return d;
}
