/**
 * Local Entra ID (AAD) and ACR token endpoints, on one server:
 * - AAD `POST /<tenant>/oauth2/v2.0/token`, client-credentials grant for
 *   `https://containerregistry.azure.net/.default`, checking tenant, client id and secret;
 * - ACR `POST /oauth2/exchange` (grant_type=access_token, service, tenant, access_token issued by
 *   the AAD part) → `{refresh_token}`, a JWT whose `exp` is the refresh token's lifetime;
 * - ACR `POST /oauth2/token` (grant_type=refresh_token, service, scope, refresh_token) →
 *   `{access_token}`.
 * Errors use AAD's and ACR's shapes.
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import {
  extendEndpoint,
  type FakeAnswer,
  type FakeEndpoint,
  type FakeRequest,
  form,
  json,
  startFakeEndpoint,
} from './fake-endpoint.ts';

export interface FakeAzureOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The registry login server the exchange serves (`service`); settable once the port is known. */
  readonly registry: string;
  /** ACR refresh token lifetime (about 3 h in Azure). */
  readonly lifetimeSeconds?: number;
  /** A fixed refresh token to hand out instead of a signed JWT (for a shared htpasswd). */
  readonly refreshToken?: () => string;
}

export interface FakeAzure extends FakeEndpoint {
  /** Both the AAD authority and the registry URL. */
  readonly authority: string;
  readonly registryUrl: string;
  /** Refresh tokens handed out by /oauth2/exchange. */
  readonly exchanges: number;
  readonly lastScopes: readonly string[];
  lifetimeSeconds: number;
  /** The login server the exchange serves (`service`). */
  registry: string;
}

const AUDIENCE_SCOPE = 'https://containerregistry.azure.net/.default';

export async function startFakeAzure(options: FakeAzureOptions): Promise<FakeAzure> {
  const secret = randomBytes(32);
  const aadTokens = new Set<string>();
  const issued = new Set<string>();
  const state = {
    exchanges: 0,
    lastScopes: [] as string[],
    lifetime: options.lifetimeSeconds ?? 3 * 3600,
    registry: options.registry,
  };
  const aadError = (status: number, error: string, description: string): FakeAnswer =>
    json(status, { error, error_description: description, error_codes: [7000215] });
  const acrError = (status: number, message: string): FakeAnswer =>
    json(status, { errors: [{ code: 'UNAUTHORIZED', message }] });

  const handle = async (request: FakeRequest): Promise<FakeAnswer> => {
    if (request.method !== 'POST') return json(405, { error: 'method not allowed' });
    const params = form(request.body);
    const path = request.path.split('?')[0];
    if (path === `/${options.tenantId}/oauth2/v2.0/token`) {
      if (params.get('grant_type') !== 'client_credentials')
        return aadError(400, 'unsupported_grant_type', 'AADSTS70003');
      if (
        params.get('client_id') !== options.clientId ||
        params.get('client_secret') !== options.clientSecret
      )
        return aadError(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
      if (params.get('scope') !== AUDIENCE_SCOPE)
        return aadError(400, 'invalid_scope', 'AADSTS70011: invalid scope');
      const token = `aad.${randomBytes(24).toString('base64url')}`;
      aadTokens.add(token);
      return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }
    if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path ?? ''))
      return aadError(400, 'invalid_request', 'AADSTS90002: Tenant not found.');
    if (path === '/oauth2/exchange') {
      const registry = state.registry;
      if (params.get('grant_type') !== 'access_token') return acrError(400, 'unsupported grant_type');
      if (params.get('service') !== registry) return acrError(400, 'service does not match the registry');
      if (params.get('tenant') !== options.tenantId || !aadTokens.has(params.get('access_token') ?? ''))
        return acrError(401, 'invalid AAD access token');
      state.exchanges++;
      const refresh =
        options.refreshToken?.() ??
        (await new SignJWT({ grant_type: 'refresh_token', tenant: options.tenantId })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuer('Azure Container Registry')
          .setAudience(registry)
          .setJti(randomBytes(8).toString('hex'))
          .setIssuedAt()
          .setExpirationTime(Math.floor(Date.now() / 1000) + state.lifetime)
          .sign(secret));
      issued.add(refresh);
      return json(200, { refresh_token: refresh });
    }
    if (path === '/oauth2/token') {
      const refresh = params.get('refresh_token') ?? '';
      if (params.get('grant_type') !== 'refresh_token' || params.get('service') !== state.registry)
        return acrError(400, 'invalid request');
      if (!issued.has(refresh)) return acrError(401, 'invalid refresh token');
      try {
        if (!options.refreshToken) await jwtVerify(refresh, secret, { audience: state.registry });
      } catch {
        return acrError(401, 'expired refresh token');
      }
      state.lastScopes = params.getAll('scope');
      const access = await new SignJWT({ access: state.lastScopes })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('Azure Container Registry')
        .setAudience(state.registry)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(secret);
      return json(200, { access_token: access });
    }
    return json(404, { error: 'not_found' });
  };

  const endpoint = await startFakeEndpoint(handle);
  return extendEndpoint(endpoint, {
    authority: endpoint.url,
    registryUrl: endpoint.url,
    get exchanges() {
      return state.exchanges;
    },
    get lastScopes() {
      return state.lastScopes;
    },
    get lifetimeSeconds() {
      return state.lifetime;
    },
    set lifetimeSeconds(value: number) {
      state.lifetime = value;
    },
    get registry() {
      return state.registry;
    },
    set registry(value: string) {
      state.registry = value;
    },
  });
}
