/**
 * The kubelet's `matchImages` rules (pkg/credentialprovider/keyring.go `URLsMatch`), which also
 * decide which `auth` key of a plugin's response applies to an image:
 * - both strings are parsed as schemeless URLs (`https://` + s);
 * - the ports must be equal, an absent port matching only an absent port (the docs say "if the
 *   glob has a port"; the code compares always, so `registry.io` does not match
 *   `registry.io:5000/x`);
 * - the host names must have the same number of `.`-separated labels, each matched with Go's
 *   filepath.Match (`*` never crosses a dot);
 * - the glob's path must be a plain string prefix of the image's path.
 */
import { filepathMatch } from './filepath-match.ts';

export interface SchemelessUrl {
  /** Host without port; IPv6 literals without brackets. */
  readonly hostname: string;
  /** Digits, or '' when absent. */
  readonly port: string;
  /** From the first `/` (inclusive), without query or fragment. */
  readonly path: string;
}

/** `url.Parse("https://" + s)` reduced to what URLsMatch reads; undefined when Go would fail. */
export function parseSchemelessUrl(text: string): SchemelessUrl | undefined {
  if (text === '' || hasControlOrSpace(text)) return undefined;
  const end = text.search(/[/?#]/);
  let authority = end < 0 ? text : text.slice(0, end);
  const tail = end < 0 ? '' : text.slice(end);
  const path = tail.startsWith('/') ? tail.replace(/[?#].*$/, '') : '';
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority === '') return undefined;
  // net.SplitHostPort: "[v6]:port", "host:port"; anything else is a host without port.
  const v6 = /^\[([^\]]*)\](?::(\d*))?$/.exec(authority);
  if (v6) return { hostname: v6[1]!, port: v6[2] ?? '', path };
  if (authority.startsWith('[')) return undefined;
  const colon = authority.lastIndexOf(':');
  if (colon < 0) return { hostname: authority, port: '', path };
  const port = authority.slice(colon + 1);
  if (!/^\d*$/.test(port)) return undefined; // Go: invalid port
  const hostname = authority.slice(0, colon);
  // Two colons without brackets: SplitHostPort fails and the whole authority is the host.
  if (hostname.includes(':')) return { hostname: authority, port: '', path };
  return { hostname, port, path };
}

/** True when `image` is matched by `glob` (a `matchImages` entry or an `auth` key). */
export function urlsMatch(glob: string, image: string): boolean {
  const g = parseSchemelessUrl(glob);
  const t = parseSchemelessUrl(image);
  if (!g || !t) return false;
  if (g.port !== t.port) return false;
  const globLabels = g.hostname.split('.');
  const targetLabels = t.hostname.split('.');
  if (globLabels.length !== targetLabels.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  try {
    return globLabels.every((label, i) => filepathMatch(label, targetLabels[i]!));
  } catch {
    return false;
  }
}

/**
 * The registry part of an image reference (`host[:port]`), as the kubelet's Registry cache key
 * takes it (`image.split("/")[0]`); a reference without a registry (`nginx`, `library/nginx`)
 * is on Docker Hub.
 */
export function registryOfImage(image: string): string {
  const slash = image.indexOf('/');
  const first = slash < 0 ? '' : image.slice(0, slash);
  if (first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

/** Go's url.Parse refuses control characters, and a host cannot hold a space. */
function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}
