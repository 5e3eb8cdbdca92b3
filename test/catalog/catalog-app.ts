/**
 * Purser's catalog routes on a real loopback port without the rest of the server: the lead's
 * error handler, a tiny Basic-auth hook (name → principal, no password check: the auth plugin
 * is tested elsewhere), and a context holding only what the catalog uses. Lets the catalog's
 * end-to-end tests run against a real docker-registry before the full server exists.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { composeCatalogServices } from '../../src/app/services.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { selfTokens } from '../../src/catalog/catalog-services.ts';
import type { DiscoveryDeps } from '../../src/catalog/discovery-scheduler.ts';
import { SearchIndex } from '../../src/catalog/search-index.ts';
import type { Principal } from '../../src/domain/model.ts';
import type { AccessModel } from '../../src/policy/access-model.ts';
import type { AppContext } from '../../src/server/context.ts';
import { installErrorHandler } from '../../src/server/plugins/errors.ts';
import { auditRoutes } from '../../src/server/routes/audit.ts';
import { catalogRoutes } from '../../src/server/routes/catalog.ts';
import { eventsRoutes } from '../../src/server/routes/events.ts';
import { searchRoutes } from '../../src/server/routes/search.ts';
import { tagsRoutes } from '../../src/server/routes/tags.ts';
import type { DatabaseHandle } from '../../src/store/database.ts';
import { TokenIssuer } from '../../src/token/issuer.ts';
import { SigningKey } from '../../src/token/signing-key.ts';

export interface CatalogApp {
  readonly app: FastifyInstance;
  readonly ctx: AppContext & DiscoveryDeps;
  readonly url: string;
  close(): Promise<void>;
}

export interface CatalogAppOptions {
  readonly handle: DatabaseHandle;
  readonly model: () => AccessModel;
  /** Signs tokens Purser issues to itself (the registry must trust its certificate). */
  readonly issuer: TokenIssuer;
  readonly port?: number;
  readonly publicUrl?: string;
  /** Runs before the routes (e.g. hooks that simulate failures). */
  readonly setup?: (app: FastifyInstance) => void;
}

export async function tokenIssuer(issuer = 'purser-test'): Promise<{ key: SigningKey; issuer: TokenIssuer }> {
  const key = await SigningKey.generate('catalog test signer');
  return { key, issuer: new TokenIssuer(key, { issuer, lifetime: 300 }) };
}

export async function startCatalogApp(options: CatalogAppOptions): Promise<CatalogApp> {
  const controller = new AbortController();
  const logger = pino({ level: process.env.PURSER_TEST_LOG ? 'debug' : 'silent' });
  const auditLog = new AuditLog(options.handle.db);
  const catalog = {
    auditLog,
    searchIndex: new SearchIndex(options.handle.db),
    model: options.model,
    tokens: (service: string) => selfTokens(options.issuer, service),
  };
  const services = composeCatalogServices({
    db: options.handle.db,
    catalog,
    audit: auditLog,
    auditLog,
    shutdown: controller.signal,
  });
  const ctx = {
    publicUrl: options.publicUrl ?? 'http://127.0.0.1',
    db: options.handle.db,
    audit: auditLog,
    logger,
    catalog,
    services,
    shutdown: controller.signal,
  } as unknown as AppContext & DiscoveryDeps;
  const app = Fastify({ logger: false }) as unknown as FastifyInstance;
  installErrorHandler(app);
  app.decorateRequest('principal', null as never);
  app.addHook('onRequest', async (request) => {
    request.principal = { kind: 'anonymous' };
    const header = request.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const name = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] ?? '';
      const found = options.model().principalFor(name);
      if (found) request.principal = found as Principal;
    }
  });
  options.setup?.(app);
  await eventsRoutes(app, ctx);
  await searchRoutes(app, ctx);
  await catalogRoutes(app, ctx);
  await tagsRoutes(app, ctx);
  await auditRoutes(app, ctx);
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    ctx,
    url: `http://127.0.0.1:${port}`,
    async close() {
      controller.abort();
      await app.close();
    },
  };
}

export function basic(name: string): string {
  return `Basic ${Buffer.from(`${name}:x`).toString('base64')}`;
}
