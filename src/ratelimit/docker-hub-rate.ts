/**
 * Docker Hub's pull rate limit, read the way Docker documents it (and Gantry's
 * `docker_hub_rate.sh` does): a token for `repository:ratelimitpreview/test:pull`, then a `HEAD`
 * of that repository's manifest, which does not count as a pull. The answer is in
 * `ratelimit-limit: 100;w=21600`, `ratelimit-remaining: 76;w=21600` and `docker-ratelimit-source`;
 * `x-ratelimit-*` headers are ignored, and no `ratelimit-*` header at all means the account is
 * not limited. Credentials are sent to the token server only, never to the registry.
 */
import { basicAuth, type FetchLike } from '../registry-client/login.ts';

export const DOCKER_HUB_AUTH_URL = 'https://auth.docker.io/token';
export const DOCKER_HUB_REGISTRY_URL = 'https://registry-1.docker.io';
export const DOCKER_HUB_SERVICE = 'registry.docker.io';
export const RATE_LIMIT_REPOSITORY = 'ratelimitpreview/test';
/** Below this share of the limit, `vault check` and `ratelimit` warn. */
export const LOW_QUOTA_RATIO = 0.1;

export interface DockerHubCredential {
  readonly username: string;
  /** A password or personal access token; an identity (refresh) token when `identityToken`. */
  readonly secret: string;
  readonly identityToken?: boolean;
}

export interface RateLimitOptions {
  /** Anonymous when omitted. */
  readonly credential?: DockerHubCredential | undefined;
  readonly authUrl?: string | undefined;
  readonly registryUrl?: string | undefined;
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
}

export interface RateLimit {
  readonly authenticated: boolean;
  readonly username: string | null;
  /** False when Docker Hub sent no `ratelimit-*` headers (no limit applies). */
  readonly limited: boolean;
  readonly limit: number | null;
  readonly remaining: number | null;
  /** Window in seconds (`w=21600` = 6 hours). */
  readonly window: number | null;
  /** `docker-ratelimit-source`: the IP address or account id the quota belongs to. */
  readonly source: string | null;
  /** remaining / limit, when both are known. */
  readonly ratio: number | null;
  readonly low: boolean;
  /** The raw header values, for debugging. */
  readonly headers: {
    readonly limit: string | null;
    readonly remaining: string | null;
    readonly source: string | null;
  };
}

/** Thrown when Docker Hub cannot be asked (network, token refused, unexpected answer). */
export class RateLimitError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'RateLimitError';
  }
}

/** `100;w=21600` → {value: 100, window: 21600}. Negative values are clamped to 0 like Gantry. */
export function parseRateHeader(value: string | null): { value: number; window: number | null } | undefined {
  if (value === null) return undefined;
  const match = /^\s*(-?\d+)\s*(?:;\s*w\s*=\s*(\d+))?/.exec(value);
  if (!match) return undefined;
  return { value: Math.max(0, Number(match[1])), window: match[2] === undefined ? null : Number(match[2]) };
}

export async function dockerHubRateLimit(options: RateLimitOptions = {}): Promise<RateLimit> {
  const doFetch = options.fetch ?? timedFetch(options.timeoutMs ?? 15_000);
  const authUrl = options.authUrl ?? DOCKER_HUB_AUTH_URL;
  const registryUrl = (options.registryUrl ?? DOCKER_HUB_REGISTRY_URL).replace(/\/+$/, '');
  const scope = `repository:${RATE_LIMIT_REPOSITORY}:pull`;
  const credential = options.credential;

  let tokenResponse: Response;
  try {
    if (credential?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credential.secret,
        service: DOCKER_HUB_SERVICE,
        scope,
        client_id: 'purser',
      });
      tokenResponse = await doFetch(authUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
    } else {
      const url = new URL(authUrl);
      url.searchParams.set('service', DOCKER_HUB_SERVICE);
      url.searchParams.set('scope', scope);
      const headers: Record<string, string> = {};
      if (credential) headers.authorization = basicAuth(credential.username, credential.secret);
      tokenResponse = await doFetch(url.toString(), { headers });
    }
  } catch (error) {
    throw new RateLimitError(
      `cannot reach the Docker Hub token server ${authUrl}: ${(error as Error).message}`,
    );
  }
  const tokenText = await tokenResponse.text().catch(() => '');
  if (tokenResponse.status === 401 || tokenResponse.status === 403) {
    throw new RateLimitError(
      `the Docker Hub token server refused the credential of ${credential?.username ?? 'anonymous'} (HTTP ${tokenResponse.status})`,
      tokenResponse.status,
    );
  }
  if (!tokenResponse.ok)
    throw new RateLimitError(
      `the Docker Hub token server answered HTTP ${tokenResponse.status}`,
      tokenResponse.status,
    );
  let token = '';
  try {
    const body = JSON.parse(tokenText) as { token?: unknown; access_token?: unknown };
    token =
      typeof body.token === 'string'
        ? body.token
        : typeof body.access_token === 'string'
          ? body.access_token
          : '';
  } catch {
    throw new RateLimitError('the Docker Hub token server answered with something that is not JSON');
  }
  if (!token) throw new RateLimitError('the Docker Hub token server sent an empty token');

  let head: Response;
  const manifestUrl = `${registryUrl}/v2/${RATE_LIMIT_REPOSITORY}/manifests/latest`;
  try {
    head = await doFetch(manifestUrl, {
      method: 'HEAD',
      headers: {
        authorization: `Bearer ${token}`,
        accept: [
          'application/vnd.oci.image.index.v1+json',
          'application/vnd.docker.distribution.manifest.list.v2+json',
          'application/vnd.oci.image.manifest.v1+json',
          'application/vnd.docker.distribution.manifest.v2+json',
        ].join(', '),
      },
    });
  } catch (error) {
    throw new RateLimitError(`cannot reach ${manifestUrl}: ${(error as Error).message}`);
  }
  await head.arrayBuffer().catch(() => undefined);
  const rawLimit = head.headers.get('ratelimit-limit');
  const rawRemaining = head.headers.get('ratelimit-remaining');
  const rawSource = head.headers.get('docker-ratelimit-source');
  const limit = parseRateHeader(rawLimit);
  let remaining = parseRateHeader(rawRemaining);
  if (head.status === 429) remaining = { value: 0, window: remaining?.window ?? limit?.window ?? null };
  else if (!head.ok) throw new RateLimitError(`${manifestUrl} answered HTTP ${head.status}`, head.status);
  const limited = limit !== undefined || remaining !== undefined;
  const ratio =
    limit && remaining && limit.value > 0 ? remaining.value / limit.value : remaining?.value === 0 ? 0 : null;
  return {
    authenticated: credential !== undefined,
    username: credential?.username ?? null,
    limited,
    limit: limit?.value ?? null,
    remaining: remaining?.value ?? null,
    window: limit?.window ?? remaining?.window ?? null,
    source: rawSource,
    ratio,
    low: ratio !== null && ratio < LOW_QUOTA_RATIO,
    headers: { limit: rawLimit, remaining: rawRemaining, source: rawSource },
  };
}

/** One line for humans: `76 of 100 pulls left in a 6 h window (source 203.0.113.7)`. */
export function describeRateLimit(rate: RateLimit): string {
  const who = rate.authenticated ? `as ${rate.username}` : 'anonymous';
  if (!rate.limited) return `Docker Hub (${who}): no rate limit applies (no ratelimit headers)`;
  const window = rate.window === null ? '' : ` per ${formatWindow(rate.window)}`;
  const source = rate.source ? `, source ${rate.source}` : '';
  const warning = rate.low ? ` — WARNING: below ${Math.round(LOW_QUOTA_RATIO * 100)}% of the limit` : '';
  return `Docker Hub (${who}): ${rate.remaining ?? '?'} of ${rate.limit ?? '?'} pulls remaining${window}${source}${warning}`;
}

export function formatWindow(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** Where to ask: flags first, then PURSER_DOCKERHUB_AUTH_URL / PURSER_DOCKERHUB_REGISTRY_URL. */
export function rateLimitEndpoints(
  flags: { authUrl?: string | undefined; registryUrl?: string | undefined },
  env: Readonly<Record<string, string | undefined>> = process.env,
): { authUrl: string; registryUrl: string } {
  return {
    authUrl: flags.authUrl ?? env.PURSER_DOCKERHUB_AUTH_URL ?? DOCKER_HUB_AUTH_URL,
    registryUrl: flags.registryUrl ?? env.PURSER_DOCKERHUB_REGISTRY_URL ?? DOCKER_HUB_REGISTRY_URL,
  };
}

function timedFetch(timeoutMs: number): FetchLike {
  return (url, init = {}) => fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
}
