/**
 * The docker CLI without a daemon (login, logout, manifest inspect work client-side), with
 * DOCKER_CONFIG in a temp dir. config.json is pre-seeded with a placeholder `auths` entry: with an
 * empty config dir and `pass` + `docker-credential-pass` installed, docker would pick
 * `credsStore: pass` by itself and fail on the uninitialised password store.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunResult, run } from './proc.ts';
import { tempDir } from './temp.ts';

export interface DockerOptions {
  /** DOCKER_CONFIG directory; default: a fresh seeded temp dir per call (use dockerConfigDir() to share). */
  configDir?: string;
  env?: Record<string, string | undefined>;
  input?: string;
  timeoutMs?: number;
}

/** A DOCKER_CONFIG dir whose config.json forces the plain file credential store. */
export function dockerConfigDir(dir: string = tempDir('purser-docker-config-')): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.json');
  if (!existsSync(file)) {
    writeFileSync(file, `${JSON.stringify({ auths: { 'placeholder.invalid': {} } }, null, 2)}\n`, {
      mode: 0o600,
    });
  }
  return dir;
}

export function docker(args: readonly string[], options: DockerOptions = {}): Promise<RunResult> {
  const configDir = dockerConfigDir(options.configDir);
  return run('docker', args, {
    env: { DOCKER_CONFIG: configDir, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined, ...options.env },
    input: options.input,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}
