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
import { clientErrorHandler, frameworkErrors, installErrorHandler } from './plugins/errors.ts';
import { installInputGuard } from './plugins/input-guard.ts';
import { apiRoutes } from './routes/api/index.ts';
import { metaRoutes } from './routes/meta.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { tokenRoutes } from './routes/token.ts';

export interface BuildAppOptions {
  readonly runtime: Runtime;
  readonly logger?: Logger | false;
  /** CLI mode: every request is the local administrator. */
  readonly localAdmin?: boolean;
  /** CIDRs of reverse proxies whose X-Forwarded-For is believed (request.ip); none by default. */
  readonly trustProxy?: readonly string[];
  /** Serve /metrics on this application (false when `metrics.listen` gives it its own address). */
  readonly metrics?: boolean;
  /** HTTPS (HTTP/2 with HTTP/1.1 fallback) with this key and certificate chain. */
  readonly https?: { readonly key: Buffer; readonly cert: Buffer; readonly ca?: Buffer | undefined };
  /** True once shutdown began (/readyz answers 503). */
  readonly draining?: () => boolean;
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { runtime } = options;
  const app = Fastify({
    loggerInstance: options.logger === false || options.logger === undefined ? undefined : options.logger,
    logger: options.logger === false || options.logger === undefined ? false : undefined,
    // Fastify's trustProxy with a list: X-Forwarded-For counts only when the peer is one of them.
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? [...options.trustProxy] : false,
    ...(options.https ? { http2: true, https: { allowHTTP1: true, ...options.https } } : {}),
    bodyLimit: 1024 * 1024,
    // Entity names are up to 255 characters; find-my-way's default (100) made longer ones 414.
    routerOptions: { maxParamLength: 1024 },
    frameworkErrors,
    clientErrorHandler,
    // Per-request lines would cost more than the token itself; errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger (one allocation chain per token); the error handler adds reqId.
    childLoggerFactory: (logger: Logger) => logger,
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  installErrorHandler(app, {
    onThrottled: (route) => runtime.metrics.throttled(route),
    onStoreFault: (error) => runtime.database.health.reportFailure(error),
  });
  installInputGuard(app);
  await app.register(formbody);
  installAuthentication(app, {
    authority: runtime.authority,
    issuer: runtime.issuer,
    localAdmin: options.localAdmin ?? false,
    sessions: runtime.services.sessions,
  });
  await metaRoutes(app, {
    authority: runtime.authority,
    runtime,
    health: runtime.database.health,
    auditStats: () => runtime.audit.stats(),
    draining: options.draining,
  });
  if (options.metrics ?? !options.localAdmin) await metricsRoutes(app, runtime);
  await tokenRoutes(app, {
    tokens: runtime.services.tokens,
    realm: runtime.issuer,
    metrics: runtime.metrics,
  });
  await apiRoutes(app, runtime);
  await registerIntegrationRoutes(app, runtime);
  if (!options.localAdmin) await consoleRoutes(app);
  return app;
}
