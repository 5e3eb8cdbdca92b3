/**
 * Route plugins contributed by registry integration (events, search, catalog, tags, audit)
 * and by the credential vault. Registered here so app.ts stays one list.
 */
import type { FastifyInstance } from 'fastify';
import type { Authority } from './authority.ts';
import type { AppContext } from './context.ts';

export async function registerIntegrationRoutes(_app: FastifyInstance, _ctx: AppContext, _authority: Authority): Promise<void> {}
