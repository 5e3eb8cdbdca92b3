/**
 * `POST /notifications/:service`: the endpoint a registry's `notifications.endpoints[].url`
 * points to. Authenticated by the per-registry secret header (see src/catalog/notify-secret.ts);
 * an unknown registry or a wrong secret gets 401 and nothing is stored. Events are stored and
 * applied to the index in one transaction that commits before the 200, so an acknowledged
 * event is never lost, and retries (same event id) are stored once.
 */
import type { FastifyInstance } from 'fastify';
import { ingestRegistryEvents } from '../../catalog/event-ingest.ts';
import {
  checkNotifySecret,
  NOTIFY_SECRET_HEADER,
  retirePreviousNotifySecret,
} from '../../catalog/notify-secret.ts';
import { EVENTS_MEDIA_TYPES, parseEnvelope } from '../../catalog/registry-event.ts';
import { Unauthorized } from '../../domain/errors.ts';
import type { AppContext } from '../context.ts';

export const NOTIFICATIONS_PATH = '/notifications';

export async function eventsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  for (const type of EVENTS_MEDIA_TYPES) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(
        type,
        { parseAs: 'string', bodyLimit: 8 * 1024 * 1024 },
        (_request, body, done) => {
          try {
            done(null, JSON.parse(body as string));
          } catch (error) {
            (error as { statusCode?: number }).statusCode = 400;
            done(error as Error, undefined);
          }
        },
      );
    }
  }
  const services = ctx.catalog;

  app.post<{ Params: { service: string } }>(
    `${NOTIFICATIONS_PATH}/:service`,
    { config: { surface: 'registry' }, bodyLimit: 8 * 1024 * 1024 },
    async (request, reply) => {
      const row = await ctx.db
        .selectFrom('registries')
        .select(['id', 'service', 'notify_secret_hash'])
        .where('service', '=', request.params.service)
        .executeTakeFirst();
      const presented = request.headers[NOTIFY_SECRET_HEADER.toLowerCase()];
      const check = checkNotifySecret(
        row?.notify_secret_hash ?? null,
        typeof presented === 'string' ? presented : undefined,
      );
      if (!row || check === 'invalid') {
        request.log.warn(
          { service: request.params.service, ip: request.ip },
          'notification rejected: unknown registry or wrong secret',
        );
        throw new Unauthorized('unknown registry or wrong notification secret');
      }
      const events = parseEnvelope(request.body);
      const result = await ingestRegistryEvents(ctx.db, { id: Number(row.id), service: row.service }, events);
      if (result.indexChanged) services.searchIndex.invalidate();
      if (check === 'current' && row.notify_secret_hash?.includes(',')) {
        await retirePreviousNotifySecret(ctx.db, Number(row.id), row.notify_secret_hash);
      }
      return reply.code(200).send({ stored: result.stored, duplicates: result.duplicates });
    },
  );
}
