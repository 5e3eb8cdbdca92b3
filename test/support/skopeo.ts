/**
 * skopeo for tests: TLS verification off for the loopback registries tests start, the signature
 * policy bypassed, and a temporary auth file (never the user's ~/.docker/config.json or
 * $XDG_RUNTIME_DIR/containers/auth.json). podman and docker wrappers live next door and are
 * re-exported here.
 */

import { isolatedEnv, tempAuthFile } from './containers-env.ts';
import { type RunResult, run } from './proc.ts';

export interface ContainerToolOptions {
  /** Auth file to use (created by tempAuthFile); default: a fresh empty one per call. */
  authfile?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** Subcommands that talk to a registry and take `--tls-verify`. */
const TLS_SUBCOMMANDS = new Set(['inspect', 'delete', 'list-tags', 'login', 'logout']);
/** Subcommands that take `--authfile`. */
const AUTHFILE_SUBCOMMANDS = new Set(['copy', 'inspect', 'delete', 'list-tags', 'login', 'logout', 'sync']);

/**
 * Runs `skopeo --insecure-policy SUBCOMMAND [tls flags] [--authfile F] ...rest`.
 * `args[0]` must be the subcommand (copy, inspect, delete, list-tags, login, logout, sync).
 */
export function skopeo(args: readonly string[], options: ContainerToolOptions = {}): Promise<RunResult> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined) throw new TypeError('skopeo: missing subcommand');
  const authfile = options.authfile ?? tempAuthFile();
  const flags: string[] = [];
  const given = (prefix: string) => rest.some((a) => a.startsWith(prefix));
  if (TLS_SUBCOMMANDS.has(subcommand) && !given('--tls-verify')) flags.push('--tls-verify=false');
  if (subcommand === 'copy' || subcommand === 'sync') {
    if (!given('--src-tls-verify')) flags.push('--src-tls-verify=false');
    if (!given('--dest-tls-verify')) flags.push('--dest-tls-verify=false');
  }
  if (AUTHFILE_SUBCOMMANDS.has(subcommand) && !given('--authfile')) flags.push('--authfile', authfile);
  return run('skopeo', ['--insecure-policy', subcommand, ...flags, ...rest], {
    env: isolatedEnv(authfile, options.env),
    input: options.input,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
}

export { isolatedEnv, tempAuthFile } from './containers-env.ts';
export { type DockerOptions, docker, dockerConfigDir } from './docker-cli.ts';
export { createPodmanStore, type PodmanOptions, type PodmanStore, podman } from './podman.ts';
