/**
 * Purser server for benchmarks: `purser serve` with the given config file, as `startServer`
 * does it, plus the search routes when the app does not register them itself yet. Prints
 * `READY <url>`; stops on SIGTERM.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { applyDeclared } from '../../src/config/apply.ts';
import { loadConfigFile } from '../../src/config/load.ts';
import { buildApp } from '../../src/server/app.ts';
import { openRuntime } from '../../src/server/runtime.ts';

const configFile = process.argv[2];
if (!configFile) throw new TypeError('usage: purser-entry.ts CONFIG_FILE');
const config = loadConfigFile(configFile);
const logger = pino({ level: 'warn' });
const runtime = await openRuntime({
  dataDir: config.dataDir,
  databaseUrl: config.databaseUrl,
  publicUrl: config.publicUrl,
  mode: config.mode,
  issuer: config.token.issuer,
  lifetime: config.token.lifetime,
  logger,
});
await applyDeclared(runtime.ctx.db, config);
await runtime.authority.refresh();
const app: FastifyInstance = await buildApp({
  ctx: runtime.ctx,
  authority: runtime.authority,
  issuer: config.token.issuer,
  logger,
});
let searchAdded = false;
// Registered last, so every earlier plugin's routes are declared when this one runs.
await app.register(async (child) => {
  if (child.hasRoute({ method: 'GET', url: '/v1/search' })) return;
  const { searchRoutes } = await import('../../src/server/routes/search.ts');
  await searchRoutes(child, runtime.ctx);
  searchAdded = true;
});
await app.listen({ host: config.listen.host, port: config.listen.port });
process.stdout.write(
  `READY ${config.publicUrl}${searchAdded ? ' (search routes added by the bench entry)' : ''}\n`,
);

let closing = false;
const stop = async () => {
  if (closing) return;
  closing = true;
  await app.close();
  await runtime.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
