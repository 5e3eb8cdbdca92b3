/**
 * A pull-through mirror (Distribution 2.8 proxy mode) and the client configurations that use
 * it, as `purser mirror config docker.io --listen HOST:PORT [--env E]` prints them:
 * - the registry's config.yml: `proxy.remoteurl` with the vault's upstream credential as
 *   `username`/`password`, and `auth.token` through Purser so only permitted principals pull
 *   through it (2.8 builds the access controller independently of the proxy, so both apply);
 * - Docker's daemon.json `registry-mirrors` (Docker Hub only, and dockerd sends the mirror
 *   Docker Hub's credentials, not the mirror's: moby#30880, moby#33071);
 * - containerd's `hosts.toml` for the upstream (`/etc/containerd/certs.d/<upstream>/`);
 * - a `registries.conf` mirror entry for podman, buildah, skopeo and CRI-O.
 * 2.8's proxy has no TTL setting (a week, hardcoded) and pushing to a mirror is unsupported.
 */
import { stringify } from 'yaml';
import { isLoopbackHost } from '../cloud/endpoint-url.ts';

export const DOCKER_HUB_REMOTE_URL = 'https://registry-1.docker.io';
export const DEFAULT_MIRROR_STORAGE = '/var/lib/registry-mirror';

export interface MirrorTokenAuth {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  readonly rootcertbundle: string;
}

export interface MirrorConfigInput {
  /** The registry mirrored: `docker.io` or a `host[:port]`. */
  readonly upstream: string;
  /** `--listen`: the mirror's `http.addr`. */
  readonly listen: string;
  /** The upstream's API; default Docker Hub's registry-1 endpoint, else `https://<upstream>`. */
  readonly remoteUrl?: string | undefined;
  /** How clients reach the mirror; default `http://<listen>`. */
  readonly publicUrl?: string | undefined;
  /** The upstream credential (the vault's, for Docker Hub's pull quota). */
  readonly credential?: { readonly username: string; readonly password: string } | undefined;
  /** Purser's token auth for the mirror (`purser registry config <service>`). */
  readonly tokenAuth?: MirrorTokenAuth | undefined;
  readonly storageDirectory?: string | undefined;
  /**
   * `--debug-listen`: the mirror's `http.debug.addr`, whose `/debug/vars` counts the manifests
   * it served and those it fetched upstream (`purser ratelimit --mirror`). It also serves pprof:
   * keep it on loopback.
   */
  readonly debugListen?: string | undefined;
}

export function mirrorRemoteUrl(input: MirrorConfigInput): string {
  if (input.remoteUrl) return input.remoteUrl.replace(/\/+$/, '');
  return input.upstream === 'docker.io' ? DOCKER_HUB_REMOTE_URL : `https://${input.upstream}`;
}

export function mirrorPublicUrl(input: MirrorConfigInput): string {
  return (input.publicUrl ?? `http://${input.listen}`).replace(/\/+$/, '');
}

/** The Distribution config.yml as an object (a test starts a registry from it). */
export function buildMirrorDistributionConfig(input: MirrorConfigInput): Record<string, unknown> {
  return {
    version: 0.1,
    log: { level: 'info', formatter: 'text' },
    storage: {
      filesystem: { rootdirectory: input.storageDirectory ?? DEFAULT_MIRROR_STORAGE },
      // The proxy's scheduler removes cached content after its TTL through the delete API.
      delete: { enabled: true },
      cache: { blobdescriptor: 'inmemory' },
    },
    http: {
      addr: input.listen,
      headers: { 'X-Content-Type-Options': ['nosniff'] },
      ...(input.debugListen ? { debug: { addr: input.debugListen } } : {}),
    },
    ...(input.tokenAuth ? { auth: { token: { ...input.tokenAuth } } } : {}),
    proxy: {
      remoteurl: mirrorRemoteUrl(input),
      ...(input.credential
        ? { username: input.credential.username, password: input.credential.password }
        : {}),
    },
  };
}

export function renderMirrorDistributionConfig(input: MirrorConfigInput): string {
  const header = [
    `# Distribution 2.8 pull-through mirror of ${input.upstream} (proxy mode).`,
    input.credential
      ? '# It holds the upstream password: keep it readable by the registry only (chmod 600).'
      : '# No upstream credential: the mirror pulls anonymously (Docker Hub: the anonymous quota).',
    input.tokenAuth
      ? `# Clients authenticate through Purser (service ${input.tokenAuth.service}); put its bundle at ${input.tokenAuth.rootcertbundle}.`
      : '# No auth: anyone who reaches the mirror pulls through it. Add Purser token auth for production.',
    '',
  ].join('\n');
  return header + stringify(buildMirrorDistributionConfig(input), { lineWidth: 0 });
}

/** `/etc/docker/daemon.json`; undefined for an upstream other than Docker Hub. */
export function renderDaemonJson(input: MirrorConfigInput): string | undefined {
  if (input.upstream !== 'docker.io') return undefined;
  return `${JSON.stringify({ 'registry-mirrors': [mirrorPublicUrl(input)] }, null, 2)}\n`;
}

/** `/etc/containerd/certs.d/<upstream>/hosts.toml`. */
export function renderContainerdHostsToml(input: MirrorConfigInput): string {
  return [
    `# /etc/containerd/certs.d/${input.upstream}/hosts.toml (config_path = "/etc/containerd/certs.d")`,
    `server = ${tomlString(mirrorRemoteUrl(input))}`,
    '',
    `[host.${tomlString(mirrorPublicUrl(input))}]`,
    '  capabilities = ["pull", "resolve"]',
    '',
  ].join('\n');
}

/** A `registries.conf` (containers-registries.conf(5), v2) entry for podman and CRI-O. */
export function renderRegistriesConf(input: MirrorConfigInput): string {
  const url = new URL(mirrorPublicUrl(input));
  const location = `${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  return [
    '# /etc/containers/registries.conf.d/purser-mirror.conf',
    '[[registry]]',
    `prefix = ${tomlString(input.upstream)}`,
    `location = ${tomlString(input.upstream)}`,
    '',
    '[[registry.mirror]]',
    `location = ${tomlString(location)}`,
    ...(url.protocol === 'http:' ? ['insecure = true'] : []),
    '',
  ].join('\n');
}

/** Everything `purser mirror config` prints, section by section. */
export function renderMirrorConfig(input: MirrorConfigInput): string {
  const daemon = renderDaemonJson(input);
  const publicUrl = mirrorPublicUrl(input);
  const sections = [
    `### registry config.yml for the mirror (listen ${input.listen})`,
    renderMirrorDistributionConfig(input),
    daemon
      ? [
          '### /etc/docker/daemon.json',
          "# dockerd sends Docker Hub's credentials (or none) to a mirror, never the mirror's own, and",
          '# falls back to Docker Hub when the mirror refuses. With token auth on the mirror, pull by its',
          `# name instead (docker pull ${new URL(publicUrl).host}/library/alpine) or use containerd.`,
          daemon,
        ].join('\n')
      : `### Docker: dockerd mirrors Docker Hub only; pull from ${new URL(publicUrl).host}/… directly\n`,
    '### containerd',
    renderContainerdHostsToml(input),
    '### podman, buildah, skopeo, CRI-O',
    renderRegistriesConf(input),
  ];
  if (!isLoopbackHost(new URL(publicUrl).hostname) && publicUrl.startsWith('http:'))
    sections.push('# The mirror is reached over plain http: serve it over TLS (http.tls) outside a lab.\n');
  return sections.join('\n');
}

/** A TOML basic string. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}
