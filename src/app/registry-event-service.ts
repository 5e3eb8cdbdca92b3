/**
 * Registry notifications: the events a registry sends to `notifications.endpoints[].url`,
 * authenticated by the per-registry secret (src/catalog/notify-secret.ts). An unknown
 * registry or a wrong secret is Unauthorized and nothing is read or stored. Events are stored
 * and applied to the index in one transaction, so an acknowledged event is never lost, and
 * retries (same event id) are stored once.
 */
import type { Kysely } from 'kysely';
import type { CatalogServices } from '../catalog/catalog-services.ts';
import { ingestRegistryEvents } from '../catalog/event-ingest.ts';
import { checkNotifySecret, retirePreviousNotifySecret } from '../catalog/notify-secret.ts';
import { parseEnvelope } from '../catalog/registry-event.ts';
import { Unauthorized } from '../domain/errors.ts';
import type { PurserMetrics } from '../metrics/purser-metrics.ts';
import type { Database } from '../store/schema.ts';

export class RegistryEventService {
  constructor(
    private readonly deps: {
      readonly db: Kysely<Database>;
      readonly catalog: Pick<CatalogServices, 'searchIndex'>;
      readonly metrics?: PurserMetrics | undefined;
    },
  ) {}

  /**
   * Throws Unauthorized unless `presentedSecret` is the registry's notification secret: the
   * surface calls it before reading the body, so a stranger cannot make it parse 8 MB of JSON.
   */
  async authenticate(service: string, presentedSecret: string | undefined): Promise<void> {
    const row = await this.deps.db
      .selectFrom('registries')
      .select(['service', 'notify_secret_hash'])
      .where('service', '=', service)
      .executeTakeFirst();
    if (!row || checkNotifySecret(row.notify_secret_hash ?? null, presentedSecret) === 'invalid') {
      // The registry label is a configured service, never the name a caller sent.
      this.deps.metrics?.notificationEvents(row?.service ?? 'unknown', 'rejected');
      throw new Unauthorized('unknown registry or wrong notification secret');
    }
  }

  /** `presentedSecret`: the notification secret header; `envelope`: the request body as parsed JSON. */
  async receive(
    service: string,
    presentedSecret: string | undefined,
    envelope: unknown,
  ): Promise<{ stored: number; duplicates: number }> {
    const { db } = this.deps;
    const row = await db
      .selectFrom('registries')
      .select(['id', 'service', 'notify_secret_hash'])
      .where('service', '=', service)
      .executeTakeFirst();
    const check = checkNotifySecret(row?.notify_secret_hash ?? null, presentedSecret);
    // The registry label is a configured service, never the name a caller sent.
    const metrics = this.deps.metrics;
    if (!row || check === 'invalid') {
      metrics?.notificationEvents(row?.service ?? 'unknown', 'rejected');
      throw new Unauthorized('unknown registry or wrong notification secret');
    }
    let events: ReturnType<typeof parseEnvelope>;
    try {
      events = parseEnvelope(envelope);
    } catch (error) {
      metrics?.notificationEvents(row.service, 'rejected');
      throw error;
    }
    const result = await ingestRegistryEvents(db, { id: Number(row.id), service: row.service }, events);
    metrics?.notificationEvents(row.service, 'ingested', result.stored);
    if (result.indexChanged) this.deps.catalog.searchIndex.invalidate();
    // The registry uses the newest secret: the previous one (kept during a rotation) can go.
    if (check === 'current' && row.notify_secret_hash?.includes(','))
      await retirePreviousNotifySecret(db, Number(row.id), row.notify_secret_hash);
    return { stored: result.stored, duplicates: result.duplicates };
  }
}
