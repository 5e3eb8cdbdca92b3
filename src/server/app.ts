/**
 * Builds the HTTP application over a composed runtime (src/app/compose.ts): error surfaces,
 * authentication, /token, keys, health, the management API and the registry-integration
 * routes. Used by `purser serve` and, with `localAdmin`, in-process by the CLI (which then
 * speaks the same API without a server, as the local administrator).
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Runtime } from '../app/compose.ts';
import { consoleRoutes } from './console-routes.ts';
import { registerIntegrationRoutes } from './integration-routes.ts';
import { installAuthentication } from './plugins/authenticate.ts';
import { installErrorHandler } from './plugins/errors.ts';
import { apiRoutes } from './routes/api/index.ts';
import { metaRoutes } from './routes/meta.ts';
import { tokenRoutes } from './routes/token.ts';

export interface BuildAppOptions {
  readonly runtime: Runtime;
  readonly logger?: Logger | false;
  /** CLI mode: every request is the local administrator. */
  readonly localAdmin?: boolean;
  readonly trustProxy?: boolean;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { runtime } = options;
  const app = Fastify({
    loggerInstance: options.logger === false || options.logger === undefined ? undefined : options.logger,
    logger: options.logger === false || options.logger === undefined ? false : undefined,
    trustProxy: options.trustProxy ?? false,
    bodyLimit: 1024 * 1024,
    // Per-request lines would cost more than the token itself; errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger (one allocation chain per token); the error handler adds reqId.
    childLoggerFactory: (logger: Logger) => logger,
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  installErrorHandler(app);
  await app.register(formbody);
  installAuthentication(app, {
    authority: runtime.authority,
    issuer: runtime.issuer,
    localAdmin: options.localAdmin ?? false,
    sessions: runtime.services.sessions,
  });
  await metaRoutes(app, runtime.authority);
  await tokenRoutes(app, { tokens: runtime.services.tokens, realm: runtime.issuer });
  await apiRoutes(app, runtime);
  await registerIntegrationRoutes(app, runtime);
  if (!options.localAdmin) await consoleRoutes(app);
  return app;
}
