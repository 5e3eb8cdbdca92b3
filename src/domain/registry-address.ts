/**
 * Registry addresses as the vault stores them: `host` or `host:port`, lowercase, with every
 * Docker Hub alias folded into one canonical address (`docker.io`). Clients send many forms
 * (`https://index.docker.io/v1/`, `docker.io`, `http://host:5000`, `host:5000/v2/`); this module
 * is the one place that maps them, for the vault, the exporters and the credential helper alike.
 */
import { BadRequest } from './errors.ts';

export {
  DOCKER_HUB,
  DOCKER_HUB_CONFIG_KEY,
  dockerConfigKey,
  normalizeRegistryAddress,
} from './server-address.cts';

import { DOCKER_HUB, normalizeRegistryAddress } from './server-address.cts';

export function isDockerHub(address: string): boolean {
  return normalizeRegistryAddress(address) === DOCKER_HUB;
}

const HOST_PORT =
  /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::[0-9]{1,5})?$/i;

/**
 * Validates an address a person typed for the vault (`vault add`, allowlists, default registry).
 * It must be `host` or `host:port` with no scheme and no path; Docker Hub's legacy
 * `https://index.docker.io/v1/` is the one URL accepted, since every Docker user knows it.
 */
export function parseRegistryAddress(input: string): string {
  const text = input.trim();
  if (text === '') throw new BadRequest('registry address is empty');
  if (/^https?:\/\/(index\.)?docker\.io\/v1\/?$/i.test(text)) return DOCKER_HUB;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new BadRequest(
      `registry address "${text}" must be a host or host:port without a scheme (write "${normalizeRegistryAddress(text)}")`,
    );
  }
  if (/[/?#]/.test(text)) {
    throw new BadRequest(
      `registry address "${text}" must be a host or host:port without a path (write "${normalizeRegistryAddress(text)}")`,
    );
  }
  if (!HOST_PORT.test(text))
    throw new BadRequest(`registry address "${text}" is not a valid host or host:port`);
  const port = /:([0-9]+)$/.exec(text)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    throw new BadRequest(`registry address "${text}" has an invalid port`);
  return normalizeRegistryAddress(text);
}

/** True for addresses Docker treats as insecure by default (loopback names). */
export function isLoopbackAddress(address: string): boolean {
  const host = hostOf(address);
  return (
    host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) || host.endsWith('.localhost')
  );
}

/** The host part of `host[:port]` (brackets removed from IPv6 literals). */
export function hostOf(address: string): string {
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  const colon = address.lastIndexOf(':');
  return colon >= 0 && /^[0-9]+$/.test(address.slice(colon + 1)) ? address.slice(0, colon) : address;
}

/**
 * The base URL Purser calls a registry at (`/v2/...` is appended to it): a URL given with the
 * API root (`http://host:5000/v2/`, as `docker login` output and registry docs show it) or a
 * trailing slash loses them, so discovery never calls `/v2/v2/_catalog`.
 */
export function registryBaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return url;
  }
  let path = parsed.pathname;
  for (;;) {
    const next = path.replace(/\/+$/, '').replace(/\/v2$/i, '');
    if (next === path) break;
    path = next;
  }
  return `${parsed.protocol}//${parsed.host}${path}${parsed.search}`;
}
