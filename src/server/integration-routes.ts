/**
 * Route plugins contributed by registry integration: notifications, search and catalog,
 * tags, and the audit log. Registered here so app.ts stays one list.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';
import { auditRoutes } from './routes/audit.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { eventsRoutes } from './routes/events.ts';
import { searchRoutes } from './routes/search.ts';
import { tagsRoutes } from './routes/tags.ts';

export async function registerIntegrationRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  await eventsRoutes(app, ctx);
  await searchRoutes(app, ctx);
  await catalogRoutes(app, ctx);
  await tagsRoutes(app, ctx);
  await auditRoutes(app, ctx);
}
