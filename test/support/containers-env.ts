/** Isolated credentials for containers/image tools (skopeo, podman): temp auth files, no real config. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.ts';

/**
 * A fresh auth file (`{}` unless `content` is given) in a temp dir removed at exit. Pass it to
 * several calls to share a login: `skopeo(['login', …], {authfile})` then `skopeo(['copy', …], {authfile})`.
 */
export function tempAuthFile(content: unknown = {}): string {
  const file = join(tempDir('purser-auth-'), 'auth.json');
  writeFileSync(file, `${JSON.stringify(content)}\n`, { mode: 0o600 });
  return file;
}

/**
 * Environment for containers/image tools: REGISTRY_AUTH_FILE names the temp auth file and
 * DOCKER_CONFIG points at an empty temp dir, so no real credential file is read or written.
 */
export function isolatedEnv(
  authfile: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  return { REGISTRY_AUTH_FILE: authfile, DOCKER_CONFIG: emptyDockerConfig(), ...extra };
}

let emptyDockerConfigDir: string | undefined;
function emptyDockerConfig(): string {
  emptyDockerConfigDir ??= tempDir('purser-empty-docker-config-');
  return emptyDockerConfigDir;
}
