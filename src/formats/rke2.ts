/**
 * RKE2 / K3s `registries.yaml` (rancher/rke2-docs docs/install/private_registry.md; wharfie
 * `pkg/registries`): `configs.<host>.auth.{username,password}` or `identity_token`. Configs are
 * keyed by the endpoint host, so Docker Hub credentials are written under `docker.io` and under
 * the hosts its default endpoint uses (`registry-1.docker.io`, `index.docker.io`). No `token` key
 * (the docs show one, the structs have none).
 */
import YAML from 'yaml';
import { DOCKER_HUB } from '../domain/registry-address.ts';
import { type ExportCredential, identityUser, isIdentityToken } from './registry.ts';

interface Rke2Auth {
  username?: string;
  password?: string;
  identity_token?: string;
}

export const RKE2_DOCKER_HUB_HOSTS = ['docker.io', 'registry-1.docker.io', 'index.docker.io'] as const;

export function buildRke2Registries(credentials: readonly ExportCredential[]): {
  configs: Record<string, { auth: Rke2Auth }>;
} {
  const configs: Record<string, { auth: Rke2Auth }> = {};
  for (const c of credentials) {
    const auth: Rke2Auth = isIdentityToken(c)
      ? { ...(identityUser(c) ? { username: identityUser(c) } : {}), identity_token: c.secret }
      : { username: c.username, password: c.secret };
    const hosts = c.address === DOCKER_HUB ? RKE2_DOCKER_HUB_HOSTS : [c.address];
    for (const host of hosts) configs[host] = { auth: { ...auth } };
  }
  return { configs };
}

export function renderRke2Registries(credentials: readonly ExportCredential[]): string {
  return `# /etc/rancher/rke2/registries.yaml (K3s: /etc/rancher/k3s/registries.yaml); restart the service after changing it\n${YAML.stringify(buildRke2Registries(credentials), { aliasDuplicateObjects: false })}`;
}
