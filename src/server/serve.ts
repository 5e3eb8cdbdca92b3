/**
 * `purser serve`: load and validate the configuration, open the store, apply declared
 * objects, then listen. Stops gracefully on SIGTERM/SIGINT: stop accepting, finish in-flight
 * requests, flush the audit queue, close the store.
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { openRuntime, type Runtime } from '../app/compose.ts';
import { applyDeclared } from '../config/apply.ts';
import type { Config } from '../config/load.ts';
import { buildApp } from './app.ts';
import { startBackgroundJobs } from './background-jobs.ts';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly url: string;
  close(): Promise<void>;
}

/** Fields whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  'secret',
  'token',
  'refresh_token',
  '*.password',
  '*.secret',
  '*.token',
  '*.refresh_token',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'purser' },
  });
}

export async function startServer(
  config: Config,
  options: { logger?: Logger; announce?: (line: string) => void } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const announce = options.announce ?? ((line: string) => process.stdout.write(`${line}\n`));
  const runtime = await openRuntime({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    publicUrl: config.publicUrl,
    mode: config.mode,
    issuer: config.token.issuer,
    lifetime: config.token.lifetime,
    consoleIdleTimeout: config.consoleIdleTimeout,
    logger,
  });
  let app: FastifyInstance | undefined;
  let stopJobs: (() => Promise<void>) | undefined;
  try {
    const applied = await applyDeclared(runtime, config);
    if (applied.generatedAdminPassword) {
      announce(`Created the administrator "admin" with password: ${applied.generatedAdminPassword}`);
      announce('This password is shown only once. Change it with: purser user passwd admin');
    }
    await runtime.authority.refresh();
    app = await buildApp({ runtime, logger });
    await app.listen({ host: config.listen.host, port: config.listen.port });
    stopJobs = startBackgroundJobs(runtime);
  } catch (error) {
    await app?.close().catch(() => {});
    await runtime.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  const url = `http://${host}:${port}`;
  logger.info(
    {
      url,
      dataDir: config.dataDir,
      database: config.databaseUrl ? 'postgres' : 'sqlite',
      kid: runtime.authority.issuer.kid,
    },
    'purser listening',
  );
  let closing: Promise<void> | undefined;
  const server = app;
  return {
    app: server,
    runtime,
    url,
    close() {
      closing ??= (async () => {
        await stopJobs?.();
        await server.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}
