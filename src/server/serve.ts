/**
 * `purser serve`: load and validate the configuration, open the store, apply declared
 * objects, then listen, over HTTPS (HTTP/2 and HTTP/1.1) when `tls` is set, with /metrics on
 * the token port or on `metrics.listen`. `reload` applies a new valid configuration without a
 * restart (objects, registries, identity sources, TLS, log level). `close` stops gracefully: /readyz turns 503,
 * no new connections, requests in flight get `shutdown_grace`, then the audit queue is flushed
 * and the store closed.
 */
import cluster from 'node:cluster';
import type http from 'node:http';
import type http2 from 'node:http2';
import type tls from 'node:tls';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openRuntime, type Runtime } from '../app/compose.ts';
import { applyDeclared } from '../config/apply.ts';
import { buildInfo } from '../config/build-info.ts';
import type { Config } from '../config/load.ts';
import { runtimeOptions } from '../config/runtime-options.ts';
import { PurserMetrics } from '../metrics/purser-metrics.ts';
import { buildApp } from './app.ts';
import { startBackgroundJobs } from './background-jobs.ts';
import { ClusterMetricsClient } from './cluster-metrics.ts';
import { checkListenAddress } from './listen-check.ts';
import { createLogger, REDACTED_PATHS } from './logger.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { readTlsMaterial } from './tls-files.ts';

export { createLogger, REDACTED_PATHS };

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly url: string;
  /** http://HOST:PORT of /metrics when `metrics.listen` is set. */
  readonly metricsUrl: string | undefined;
  /**
   * Applies a new configuration (already validated): objects, registries, identity sources,
   * TLS, log level. What can only be checked here (TLS files, identity secret files, mapped
   * groups) is checked before anything is applied.
   */
  reload(config: Config): Promise<ReloadResult>;
  close(): Promise<void>;
}

export interface ReloadResult {
  /** Settings that changed but only take effect at the next start. */
  readonly needsRestart: readonly string[];
}

export interface StartServerOptions {
  readonly logger?: Logger;
  readonly announce?: (line: string) => void;
  /** Run discovery and the other periodic jobs here (false in all workers but one). */
  readonly backgroundJobs?: boolean;
  /** `--init`: create a new database in a used data directory whose database is gone. */
  readonly initialise?: boolean;
}

export async function startServer(config: Config, options: StartServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  // stderr: stdout carries the log lines, in one format.
  const announce = options.announce ?? ((line: string) => process.stderr.write(`${line}\n`));
  // A cluster worker listens on the primary's socket: only a process of its own checks the port.
  if (!cluster.isWorker) await checkListenAddress(config.listen.host, config.listen.port);
  const tlsMaterial = config.serving.tls ? readTlsMaterial(config.serving.tls) : undefined;
  const metrics = new PurserMetrics({ build: buildInfo(), defaultMetrics: true });
  // A cluster worker's /metrics is the whole cluster's, gathered by the primary.
  const clusterMetrics = cluster.isWorker ? new ClusterMetricsClient(metrics.registry) : undefined;
  if (clusterMetrics) metrics.exposeThrough(() => clusterMetrics.render());
  const runtime = await openRuntime({
    ...runtimeOptions(config),
    logger,
    metrics,
    initialise: options.initialise ?? false,
  });
  let draining = false;
  let app: FastifyInstance | undefined;
  let metricsApp: FastifyInstance | undefined;
  let stopJobs: (() => Promise<void>) | undefined;
  let warming: Promise<void> | undefined;
  try {
    const applied = await applyDeclared(runtime, config);
    if (applied.generatedAdminPassword) {
      announce(`Created the administrator "admin" with password: ${applied.generatedAdminPassword}`);
      announce('This password is shown only once. Change it with: purser user passwd admin');
    }
    await runtime.authority.refresh();
    // Purser groups named by an identity source's mappings must exist (declared or created).
    runtime.services.identity.checkMappedGroups();
    app = await buildApp({
      runtime,
      logger,
      trustProxy: config.serving.trustProxy,
      metrics: config.serving.metricsListen === undefined,
      https: tlsMaterial,
      draining: () => draining,
    });
    await app.listen({ host: config.listen.host, port: config.listen.port });
    if (config.serving.metricsListen) {
      metricsApp = Fastify({ logger: false }) as unknown as FastifyInstance;
      await metricsRoutes(metricsApp, runtime);
      await metricsApp.listen({
        host: config.serving.metricsListen.host,
        port: config.serving.metricsListen.port,
      });
    }
    stopJobs = await startBackgroundJobs(runtime, {
      databaseUrl: config.databaseUrl,
      jobs: options.backgroundJobs ?? true,
      retention: config.audit,
    });
    // Load the search index now rather than on the first search (a million repositories take
    // seconds to read); searches that come earlier wait for the same load.
    warming = runtime.catalog.searchIndex
      .load()
      .catch((error: unknown) =>
        logger.warn({ err: error }, 'search index: first load failed; retried on demand'),
      );
  } catch (error) {
    await app?.close().catch(() => {});
    await metricsApp?.close().catch(() => {});
    clusterMetrics?.close();
    await runtime.close();
    throw error;
  }
  const url = `${tlsMaterial ? 'https' : 'http'}://${hostPort(config.listen.host, app.server.address(), config.listen.port)}`;
  const metricsUrl = metricsApp
    ? `http://${hostPort(config.serving.metricsListen!.host, metricsApp.server.address(), 0)}`
    : undefined;
  logger.info(
    {
      url,
      metricsUrl,
      dataDir: config.dataDir,
      database: config.databaseUrl ? 'postgres' : 'sqlite',
      kid: runtime.authority.issuer.kid,
      tls: tlsMaterial !== undefined,
    },
    'purser listening',
  );
  const server = app;
  const sessions = trackHttp2Sessions(server.server);
  let current = config;
  let closing: Promise<void> | undefined;
  return {
    app: server,
    runtime,
    url,
    metricsUrl,
    async reload(next) {
      // TLS first: a certificate that cannot be used refuses the whole reload, nothing applied.
      const material = next.serving.tls ? readTlsMaterial(next.serving.tls) : undefined;
      // Then the identity sources: built and checked against the groups that exist or that the
      // file declares (applyDeclared creates them), put in place only once the objects are.
      const declaredGroups = (next.declared.groups ?? []).map((g) => g.name);
      const sources = runtime.prepareIdentitySources(next.identitySources, declaredGroups);
      try {
        await applyDeclared(runtime, next);
        await runtime.authority.refresh();
      } catch (error) {
        await sources.discard();
        throw error;
      }
      sources.apply();
      if (material && tlsMaterial) (server.server as unknown as tls.Server).setSecureContext(material);
      logger.level = next.logLevel;
      const needsRestart = restartOnly(current, next, tlsMaterial !== undefined);
      current = next;
      return { needsRestart };
    },
    close() {
      closing ??= (async () => {
        draining = true;
        await stopJobs?.();
        await warming;
        const grace = setTimeout(() => {
          logger.warn(
            { graceMs: config.serving.shutdownGraceMs },
            'shutdown grace over; closing connections',
          );
          (server.server as http.Server).closeAllConnections?.();
          for (const session of sessions) session.destroy();
        }, config.serving.shutdownGraceMs);
        try {
          await server.close();
          await metricsApp?.close();
        } finally {
          clearTimeout(grace);
        }
        clusterMetrics?.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}

/** Keys whose new value needs a restart: the listening sockets, the store, the workers. */
function restartOnly(current: Config, next: Config, tlsOn: boolean): string[] {
  const changed: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (!same(current.listen, next.listen)) changed.push('listen');
  if (current.dataDir !== next.dataDir) changed.push('data');
  if (current.databaseUrl !== next.databaseUrl) changed.push('database');
  if (current.publicUrl !== next.publicUrl) changed.push('public_url');
  if (!same(current.token, next.token)) changed.push('token');
  if (current.mode !== next.mode) changed.push('mode');
  if (!same(current.serving.metricsListen, next.serving.metricsListen)) changed.push('metrics.listen');
  if (!same(current.serving.trustProxy, next.serving.trustProxy)) changed.push('trust_proxy');
  if (current.serving.workers !== next.serving.workers) changed.push('workers');
  if (tlsOn !== (next.serving.tls !== undefined)) changed.push('tls (turning it on or off)');
  return changed;
}

function hostPort(host: string, address: ReturnType<http.Server['address']>, fallback: number): string {
  const port = typeof address === 'object' && address ? address.port : fallback;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** HTTP/2 sessions open on the server, to end them when the shutdown grace is over. */
function trackHttp2Sessions(server: unknown): Set<http2.ServerHttp2Session> {
  const sessions = new Set<http2.ServerHttp2Session>();
  (server as http2.Http2SecureServer).on?.('session', (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  return sessions;
}
