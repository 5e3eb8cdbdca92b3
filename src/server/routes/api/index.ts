/**
 * The management API under /api/v1. Each aggregate has its own plugin file; they share one
 * encapsulated context with the TypeBox validator. Every /api/v1 route, including the
 * credential vault's, is recorded for the OpenAPI document (GET /api/v1/openapi.json).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.ts';
import { accessRoutes } from './access.ts';
import { appRoutes } from './apps.ts';
import { consoleSsoRoutes } from './console-sso.ts';
import { credentialRoutes } from './credentials.ts';
import { explainRoutes } from './explain.ts';
import { groupRoutes } from './groups.ts';
import { identityRoutes } from './identity.ts';
import { keyRoutes } from './keys.ts';
import { openApiRoute, RouteCatalog } from './openapi.ts';
import { registryRoutes } from './registries.ts';
import { robotRoutes } from './robots.ts';
import { ruleRoutes } from './rules.ts';
import { serviceRoutes } from './services.ts';
import { sessionRoutes } from './session.ts';
import { userRoutes } from './users.ts';
import { installTypeBoxValidator } from './validator.ts';

const API_VERSION = '1.0.0';

export async function apiRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const catalog = new RouteCatalog();
  catalog.install(app);
  await app.register(async (api) => {
    installTypeBoxValidator(api);
    // Replies may carry a secret (created/regenerated credentials): never cache them.
    api.addHook('onSend', async (_request, reply, payload) => {
      reply.header('cache-control', 'no-store');
      return payload;
    });
    await userRoutes(api, ctx);
    await groupRoutes(api, ctx);
    await appRoutes(api, ctx);
    await serviceRoutes(api, ctx);
    await robotRoutes(api, ctx);
    await registryRoutes(api, ctx);
    await ruleRoutes(api, ctx);
    await keyRoutes(api, ctx);
    await explainRoutes(api, ctx);
    await accessRoutes(api, ctx);
    await credentialRoutes(api, ctx);
    await identityRoutes(api, ctx);
    await sessionRoutes(api, ctx);
    await consoleSsoRoutes(api, ctx);
    openApiRoute(api, catalog, API_VERSION);
  });
}
