/**
 * What a runtime is opened with, read from the configuration: one place, so the server, a
 * cluster's primary and the CLI's local mode open the same store, sources and settings.
 * The caller adds what is its own (logger, metrics, `--init`).
 */
import type { RuntimeOptions } from '../app/compose.ts';
import type { Config } from './load.ts';

export function runtimeOptions(config: Config): RuntimeOptions {
  return {
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    publicUrl: config.publicUrl,
    mode: config.mode,
    issuer: config.token.issuer,
    lifetime: config.token.lifetime,
    loginThrottle: config.loginThrottle,
    reuseTokens: config.token.reuse,
    identitySources: config.identitySources,
    consoleIdleTimeout: config.consoleIdleTimeout,
  };
}
