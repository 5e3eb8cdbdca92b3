/**
 * Checking registry credentials without a Docker daemon, the way `docker login` and containerd
 * do it: ping `/v2/`, then follow the challenge. Basic: retry `/v2/` with the credentials.
 * Bearer: ask the token realm (OAuth2 `POST grant_type=password`, falling back to the Docker
 * `GET` token request on 400/401/404/405 like containerd), then call `/v2/` with the token.
 * HTTPS is tried first; loopback and `insecure` registries fall back to plain HTTP and skip TLS
 * verification over HTTPS, as Docker does for them.
 */
import { isLoopbackAddress } from '../domain/registry-address.ts';
import { findChallenge, parseChallenges } from './challenge.ts';
import { networkReason } from './network-error.ts';
import { type FetchLike, nodeFetch } from './node-fetch.ts';

export type { FetchLike };

export interface VerifyCredentialsOptions {
  /** `host` or `host:port`. */
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  /** Allow plain HTTP and unverified TLS (loopback registries always are). */
  readonly insecure?: boolean;
  /** Replaces the HTTP client (tests). */
  readonly fetch?: FetchLike;
  /** Per-request timeout; default 15 s. */
  readonly timeoutMs?: number;
}

export type VerifyCredentialsResult =
  | { ok: true; scheme: 'basic' | 'bearer' | 'none'; identityToken?: string; endpoint: string }
  | { ok: false; reason: string; endpoint?: string };

const CLIENT_ID = 'purser';
const USER_AGENT = 'purser (registry login check)';

export async function verifyCredentials(options: VerifyCredentialsOptions): Promise<VerifyCredentialsResult> {
  const relaxed = options.insecure === true || isLoopbackAddress(options.registry);
  const doFetch =
    options.fetch ?? nodeFetch({ rejectUnauthorized: !relaxed, timeoutMs: options.timeoutMs ?? 15_000 });
  const bases = relaxed
    ? [`https://${options.registry}`, `http://${options.registry}`]
    : [`https://${options.registry}`];
  let ping: Response | undefined;
  let base = bases[0]!;
  let lastError = '';
  for (const candidate of bases) {
    try {
      ping = await doFetch(`${candidate}/v2/`, { headers: { 'user-agent': USER_AGENT } });
      base = candidate;
      break;
    } catch (error) {
      lastError = networkReason(error);
    }
  }
  if (!ping) return { ok: false, reason: `cannot reach ${bases[0]}/v2/: ${lastError}` };
  const endpoint = `${base}/v2/`;
  await ping.arrayBuffer().catch(() => undefined);
  if (ping.ok) return { ok: true, scheme: 'none', endpoint };
  if (ping.status !== 401)
    return { ok: false, reason: `${endpoint} answered HTTP ${ping.status}; is this a registry?`, endpoint };

  const header = ping.headers.get('www-authenticate');
  const bearer = findChallenge(header, 'bearer');
  if (bearer) return bearerLogin(doFetch, endpoint, bearer.params, options);
  if (findChallenge(header, 'basic') || parseChallenges(header).length === 0) {
    const res = await doFetch(endpoint, {
      headers: { 'user-agent': USER_AGENT, authorization: basicAuth(options.username, options.password) },
    });
    const body = await res.text().catch(() => '');
    if (res.ok) return { ok: true, scheme: 'basic', endpoint };
    if (res.status === 401)
      return { ok: false, reason: withDetail('invalid username or password', body), endpoint };
    return { ok: false, reason: withDetail(`${endpoint} answered HTTP ${res.status}`, body), endpoint };
  }
  return { ok: false, reason: `unsupported authentication scheme in challenge: ${header}`, endpoint };
}

async function bearerLogin(
  doFetch: FetchLike,
  endpoint: string,
  params: Readonly<Record<string, string>>,
  options: VerifyCredentialsOptions,
): Promise<VerifyCredentialsResult> {
  const realm = params.realm;
  if (!realm) return { ok: false, reason: 'the registry sent a Bearer challenge without a realm', endpoint };
  const token = await fetchToken(doFetch, realm, params, options);
  if (!token.ok) return { ...token, endpoint };
  const res = await doFetch(endpoint, {
    headers: { 'user-agent': USER_AGENT, authorization: `Bearer ${token.token}` },
  });
  const body = await res.text().catch(() => '');
  if (!res.ok)
    return {
      ok: false,
      reason: withDetail(`the registry refused the token from ${realm} (HTTP ${res.status})`, body),
      endpoint,
    };
  return token.identityToken
    ? { ok: true, scheme: 'bearer', identityToken: token.identityToken, endpoint }
    : { ok: true, scheme: 'bearer', endpoint };
}

type TokenResult = { ok: true; token: string; identityToken?: string } | { ok: false; reason: string };

async function fetchToken(
  doFetch: FetchLike,
  realm: string,
  params: Readonly<Record<string, string>>,
  options: VerifyCredentialsOptions,
): Promise<TokenResult> {
  const scopes = params.scope ? params.scope.split(' ').filter(Boolean) : [];
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: CLIENT_ID,
    username: options.username,
    password: options.password,
    access_type: 'offline',
  });
  if (params.service) form.set('service', params.service);
  for (const scope of scopes) form.append('scope', scope);
  let res: Response;
  try {
    res = await doFetch(realm, {
      method: 'POST',
      headers: { 'user-agent': USER_AGENT, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  } catch (error) {
    return { ok: false, reason: `cannot reach token server ${realm}: ${networkReason(error)}` };
  }
  if ([400, 401, 404, 405].includes(res.status)) {
    await res.arrayBuffer().catch(() => undefined);
    const url = new URL(realm);
    url.searchParams.set('account', options.username);
    url.searchParams.set('client_id', CLIENT_ID);
    url.searchParams.set('offline_token', 'true');
    if (params.service) url.searchParams.set('service', params.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    try {
      res = await doFetch(url.toString(), {
        headers: { 'user-agent': USER_AGENT, authorization: basicAuth(options.username, options.password) },
      });
    } catch (error) {
      return { ok: false, reason: `cannot reach token server ${realm}: ${networkReason(error)}` };
    }
  }
  const text = await res.text().catch(() => '');
  if (res.status === 401 || res.status === 403)
    return { ok: false, reason: withDetail('invalid username or password', text) };
  if (!res.ok)
    return { ok: false, reason: withDetail(`token server ${realm} answered HTTP ${res.status}`, text) };
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: `token server ${realm} answered with something that is not JSON` };
  }
  const token =
    typeof body.access_token === 'string' && body.access_token
      ? body.access_token
      : typeof body.token === 'string'
        ? body.token
        : '';
  if (!token) return { ok: false, reason: `token server ${realm} did not include a token in its response` };
  const refresh =
    typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined;
  return refresh ? { ok: true, token, identityToken: refresh } : { ok: true, token };
}

export function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Appends the registry's own error message (errcode JSON or OAuth JSON), when it sent one. */
function withDetail(reason: string, body: string): string {
  try {
    const parsed = JSON.parse(body) as {
      errors?: { code?: string; message?: string }[];
      error?: string;
      error_description?: string;
      details?: string;
    };
    const first = parsed.errors?.[0];
    if (first?.message)
      return `${reason}: ${first.code ? `${first.code.toLowerCase()}: ` : ''}${first.message}`;
    if (parsed.error_description) return `${reason}: ${parsed.error_description}`;
    if (parsed.details) return `${reason}: ${parsed.details}`;
    if (parsed.error) return `${reason}: ${parsed.error}`;
  } catch {
    // not JSON: nothing to add
  }
  return reason;
}
