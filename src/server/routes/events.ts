/**
 * `POST /notifications/:service`: the endpoint a registry's `notifications.endpoints[].url`
 * points to. Authenticated by the per-registry secret header (see src/catalog/notify-secret.ts);
 * an unknown registry or a wrong secret gets 401 and nothing is stored. Events are stored and
 * applied to the index in one transaction that commits before the 200, so an acknowledged
 * event is never lost, and retries (same event id) are stored once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NOTIFY_SECRET_HEADER } from '../../catalog/notify-secret.ts';
import { EVENTS_MEDIA_TYPES } from '../../catalog/registry-event.ts';
import { isAuthorityError } from '../../domain/errors.ts';
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
  const events = ctx.services.registryEvents;

  app.post<{ Params: { service: string } }>(
    `${NOTIFICATIONS_PATH}/:service`,
    {
      config: { surface: 'registry' },
      bodyLimit: 8 * 1024 * 1024,
      // The secret is checked before the body is read and parsed.
      preParsing: async (request, _reply, payload) => {
        await events.authenticate(request.params.service, presentedSecret(request.headers)).catch((error) => {
          throw rejected(request, error);
        });
        return payload;
      },
    },
    async (request, reply) => {
      const presented = presentedSecret(request.headers);
      try {
        const result = await events.receive(request.params.service, presented, request.body);
        return reply.code(200).send(result);
      } catch (error) {
        throw rejected(request, error);
      }
    },
  );
}

function presentedSecret(headers: FastifyRequest['headers']): string | undefined {
  const presented = headers[NOTIFY_SECRET_HEADER.toLowerCase()];
  return typeof presented === 'string' ? presented : undefined;
}

function rejected(request: FastifyRequest<{ Params: { service: string } }>, error: unknown): unknown {
  if (isAuthorityError(error) && error.code === 'UNAUTHORIZED')
    request.log.warn(
      { service: request.params.service, ip: request.ip },
      'notification rejected: unknown registry or wrong secret',
    );
  return error;
}
