/**
 * containers `auth.json` (podman, buildah, skopeo; containers-auth.json(5)): `auths` keyed by
 * registry host, Docker Hub as `docker.io`; `{"auth": base64(user:password)}` or, for an
 * identity token, a non-empty `auth` (`user:`) plus `identitytoken` (containers/image ignores the
 * token when `auth` is empty). `--helper` mode writes `credHelpers` keyed by registry.
 */
import type { DockerConfigObject } from './docker-config.ts';
import { dockerAuthEntry, PURSER_HELPER } from './docker-config.ts';
import type { ExportCredential } from './registry.ts';

export function buildPodmanAuth(credentials: readonly ExportCredential[]): DockerConfigObject {
  const auths: DockerConfigObject['auths'] = {};
  for (const c of credentials) auths[c.address] = dockerAuthEntry(c);
  return { auths };
}

export function buildPodmanHelperAuth(
  addresses: readonly string[],
  helper = PURSER_HELPER,
): DockerConfigObject {
  const credHelpers: Record<string, string> = {};
  for (const address of addresses) credHelpers[address] = helper;
  return { auths: {}, credHelpers };
}

/** Tab-indented like containers/image `json.MarshalIndent(…, "", "\t")`. */
export function renderPodmanAuth(config: DockerConfigObject): string {
  return `${JSON.stringify(config, null, '\t')}\n`;
}
