/**
 * The server forms clients send, folded to one vault address. Kept free of imports: the
 * credential helper loads it on every pull (registry-address.ts re-exports it with the
 * validation that typed input needs).
 */

/** The one address the vault uses for Docker Hub. */
export const DOCKER_HUB = 'docker.io';
/** The key Docker's config.json and kubectl use for Docker Hub. */
export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

const HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/**
 * Folds any server form a client sends into `host[:port]` (docker/cli ConvertToHostname plus the
 * Docker Hub aliases): strips `http(s)://`, any path, query or trailing slash; keeps the port.
 */
export function normalizeRegistryAddress(serverUrlOrHost: string): string {
  let text = serverUrlOrHost.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme) text = text.slice(scheme[0].length);
  const cut = text.search(/[/?#]/);
  if (cut >= 0) text = text.slice(0, cut);
  const at = text.lastIndexOf('@');
  if (at >= 0) text = text.slice(at + 1);
  let host = text.toLowerCase();
  if (host.endsWith(':443') && scheme?.[1]?.toLowerCase() === 'https') host = host.slice(0, -4);
  if (host.endsWith(':80') && scheme?.[1]?.toLowerCase() === 'http') host = host.slice(0, -3);
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/** The `auths` / `credHelpers` key Docker's config.json (and kubectl) uses for an address. */
export function dockerConfigKey(address: string): string {
  return address === DOCKER_HUB ? DOCKER_HUB_CONFIG_KEY : address;
}
