/**
 * Azure Container Registry credentials for an Entra ID service principal (Azure/acr
 * docs/AAD-OAuth.md):
 * 1. AAD client-credentials grant at `<authority>/<tenant>/oauth2/v2.0/token` for
 *    `https://containerregistry.azure.net/.default`;
 * 2. `POST https://<registry>/oauth2/exchange` (grant_type=access_token) turns the AAD token
 *    into an ACR refresh token, which `docker login` takes with the null-GUID user name;
 * 3. optionally `POST /oauth2/token` turns that refresh token into a scoped access token.
 * The Azure SDKs refuse non-https authorities and wrap the exchange behind a bearer policy, so
 * these three form posts are made directly; `--azure-authority` covers sovereign clouds.
 */
import { decodeJwt } from 'jose';
import { BadRequest } from '../domain/errors.ts';
import { ACR_REFRESH_TOKEN_USERNAME, type CloudTokenProvider, type MintedToken } from './cloud-token.ts';
import { requireSecureUrl } from './endpoint-url.ts';
import { expiresInSeconds, type FetchLike, postTokenForm, requireString } from './token-endpoint.ts';

export const AZURE_PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
export const ACR_AUDIENCE = 'https://containerregistry.azure.net';
/** ACR refresh tokens last about three hours; used when the token's own `exp` is unreadable. */
const ACR_REFRESH_LIFETIME = 3 * 3600;

export interface AcrTokenProviderOptions {
  /** The login server, e.g. `myregistry.azurecr.io`. */
  readonly registry: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** `--azure-authority`; default the public cloud's. */
  readonly authority?: string | undefined;
  /** Where the registry's `/oauth2/*` endpoints are; default `https://<registry>`. */
  readonly registryUrl?: string | undefined;
  /** The AAD resource of ACR; default `https://containerregistry.azure.net`. */
  readonly audience?: string | undefined;
  readonly fetch?: FetchLike;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export interface AcrAccessToken {
  readonly token: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

const HOST_PORT = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
const TENANT = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

export class AcrTokenProvider implements CloudTokenProvider {
  readonly kind = 'acr';
  readonly #options: AcrTokenProviderOptions;
  readonly #tokenUrl: string;
  readonly #registryUrl: string;
  readonly #now: () => number;

  constructor(options: AcrTokenProviderOptions) {
    if (!HOST_PORT.test(options.registry))
      throw new BadRequest(`"${options.registry}" is not an ACR login server (e.g. myregistry.azurecr.io)`);
    if (!TENANT.test(options.tenantId))
      throw new BadRequest(`"${options.tenantId}" is not an Entra ID tenant id or domain`);
    if (options.clientId === '' || options.clientSecret === '')
      throw new BadRequest('an ACR service principal needs a client id and a client secret');
    const authority = requireSecureUrl(options.authority ?? AZURE_PUBLIC_AUTHORITY, 'the Azure authority');
    const base = authority.href.replace(/\/+$/, '');
    this.#tokenUrl = `${base}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`;
    this.#registryUrl = requireSecureUrl(
      options.registryUrl ?? `https://${options.registry}`,
      'the ACR registry URL',
    ).href.replace(/\/+$/, '');
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** An ACR refresh token, handed out with the null-GUID user name. */
  async mint(): Promise<MintedToken> {
    const aad = await this.#aadToken();
    const what = 'ACR /oauth2/exchange';
    const body = await postTokenForm(
      `${this.#registryUrl}/oauth2/exchange`,
      {
        grant_type: 'access_token',
        service: this.#options.registry,
        tenant: this.#options.tenantId,
        access_token: aad,
      },
      { what, fetch: this.#options.fetch },
    );
    const refreshToken = requireString(body, 'refresh_token', what);
    return {
      username: ACR_REFRESH_TOKEN_USERNAME,
      password: refreshToken,
      expiresAt: jwtExpiry(refreshToken) ?? this.#nowSeconds() + ACR_REFRESH_LIFETIME,
      registry: this.#options.registry,
    };
  }

  /** A registry access token for `scopes` (e.g. `repository:app:pull`) from a refresh token. */
  async accessToken(refreshToken: string, scopes: readonly string[]): Promise<AcrAccessToken> {
    const what = 'ACR /oauth2/token';
    const body = await postTokenForm(
      `${this.#registryUrl}/oauth2/token`,
      {
        grant_type: 'refresh_token',
        service: this.#options.registry,
        scope: scopes,
        refresh_token: refreshToken,
      },
      { what, fetch: this.#options.fetch },
    );
    const token = requireString(body, 'access_token', what);
    return { token, expiresAt: jwtExpiry(token) ?? this.#nowSeconds() + expiresInSeconds(body, 300) };
  }

  async #aadToken(): Promise<string> {
    const what = 'the Entra ID token endpoint';
    const audience = (this.#options.audience ?? ACR_AUDIENCE).replace(/\/+$/, '');
    const body = await postTokenForm(
      this.#tokenUrl,
      {
        grant_type: 'client_credentials',
        client_id: this.#options.clientId,
        client_secret: this.#options.clientSecret,
        scope: `${audience}/.default`,
      },
      { what, fetch: this.#options.fetch },
    );
    return requireString(body, 'access_token', what);
  }

  #nowSeconds(): number {
    return this.#now() / 1000;
  }
}

/** `exp` of a JWT, read without verifying (the registry verifies; we only schedule refresh). */
function jwtExpiry(token: string): number | undefined {
  try {
    const exp = decodeJwt(token).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}
