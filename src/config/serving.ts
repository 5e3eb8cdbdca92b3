/**
 * The production serving settings, normalized from the keys of serving-schema.ts: file paths
 * resolved against the configuration file, CIDRs checked, `workers: auto` counted, the log level
 * taken from `log_level` or `log.level`. Problems are `path: message` lines for load.ts to report
 * with the rest.
 */
import os from 'node:os';
import path from 'node:path';
import { cidrProblem } from '../policy/cidr.ts';
import type { WrittenConfig } from './schema.ts';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string | undefined;
}

export interface ServingConfig {
  readonly tls: TlsFiles | undefined;
  /** CIDRs of trusted reverse proxies; empty: X-Forwarded-For is ignored. */
  readonly trustProxy: readonly string[];
  /** Where /metrics is served instead of the token port; undefined: on the token port. */
  readonly metricsListen: ListenAddress | undefined;
  readonly shutdownGraceMs: number;
  readonly workers: number;
}

export function parseListenAddress(
  text: string,
  key: string,
  problems: string[],
  example = '127.0.0.1:5001',
): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):([0-9]{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65_535) {
    problems.push(`${key}: expected HOST:PORT (for example ${example}), got "${text}"`);
    return { host: '127.0.0.1', port: Number(example.split(':')[1]) };
  }
  return { host: match[1] ?? match[2]!, port };
}

export function servingConfig(
  declared: WrittenConfig,
  file: string | undefined,
  problems: string[],
): ServingConfig {
  const base = path.dirname(path.resolve(file ?? path.join(process.cwd(), 'purser.yaml')));
  const resolve = (p: string) => path.resolve(base, p);
  const tls = declared.tls
    ? {
        certFile: resolve(declared.tls.cert_file),
        keyFile: resolve(declared.tls.key_file),
        caFile: declared.tls.ca_file === undefined ? undefined : resolve(declared.tls.ca_file),
      }
    : undefined;
  (declared.trust_proxy ?? []).forEach((cidr, i) => {
    const problem = cidrProblem(cidr);
    if (problem) problems.push(`trust_proxy[${i}]: ${problem}`);
  });
  const metricsListen =
    declared.metrics?.listen === undefined
      ? undefined
      : parseListenAddress(declared.metrics.listen, 'metrics.listen', problems, '127.0.0.1:9464');
  const workers = declared.workers === 'auto' ? os.availableParallelism() : (declared.workers ?? 1);
  return {
    tls,
    trustProxy: declared.trust_proxy ?? [],
    metricsListen,
    shutdownGraceMs: (declared.shutdown_grace ?? 10) * 1000,
    workers,
  };
}

/**
 * `log_level`, else `log.level` (which has the default and PURSER_LOG_LEVEL). `written` is the
 * file before defaults, to tell a written log.level from the default one.
 */
export function logLevel(written: WrittenConfig, declared: WrittenConfig, problems: string[]): string {
  if (written.log_level === undefined) return declared.log?.level ?? 'info';
  if (written.log?.level !== undefined) problems.push('log_level: give log_level or log.level, not both');
  return written.log_level;
}
