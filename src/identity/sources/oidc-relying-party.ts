/**
 * Purser as an OIDC relying party (openid-client 6): discovery, the authorization-code flow with
 * PKCE (browser login, and the CLI's loopback redirect), the device authorization grant
 * (`purser login --sso`), and refresh (`purser identity sync`).
 *
 * - Every request is bounded by the source's timeout. Discovery is cached; a failed one is
 *   forgotten so the next login tries again.
 * - A plain-http issuer is accepted only on a loopback address (a provider run next to Purser,
 *   or in tests); anything else must be https.
 * - The pending state of a code flow (state, nonce, PKCE verifier) is returned to the caller, who
 *   keeps it where the browser cannot read it (sealed, server-side): nothing is kept here, so any
 *   replica can finish a login another one started.
 * - Scopes: `openid profile email`, plus `groups` when the provider offers that scope (Dex, Okta),
 *   plus `offline_access` for CLI logins when offered, so `identity sync` can refresh groups.
 * - Claims come from the ID token, completed from userinfo when the username or groups claim is
 *   not in it (several providers keep groups out of ID tokens).
 */
import * as client from 'openid-client';
import { Unauthorized, Unavailable } from '../../domain/errors.ts';
import { describeFailure, type ExternalIdentity } from '../identity-source.ts';
import { type ClaimMapping, type Claims, claimsToIdentity, hasClaim } from './oidc-claims.ts';

export interface OidcRelyingPartyOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** Undefined for a public client (PKCE only). */
  readonly clientSecret?: string;
  readonly timeoutMs: number;
  readonly mapping: ClaimMapping;
}

/** What the caller keeps between sending the browser away and the callback. */
export interface PendingAuthorization {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface OidcLogin {
  readonly identity: ExternalIdentity;
  /** Present when the provider issued one (offline_access): keep it sealed, for sync. */
  readonly refreshToken?: string;
}

export interface DeviceLogin {
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string | undefined;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
  /** Holds the device_code, a credential: keep it server-side, never log it. */
  readonly grant: client.DeviceAuthorizationResponse;
}

/** How long a browser may take between the redirect to the provider and the callback. */
export const AUTHORIZATION_TTL_MS = 10 * 60_000;

export class OidcRelyingParty {
  readonly #options: OidcRelyingPartyOptions;
  readonly #issuer: URL;
  #config: Promise<client.Configuration> | undefined;

  constructor(options: OidcRelyingPartyOptions) {
    this.#options = options;
    this.#issuer = new URL(options.issuer);
    if (
      this.#issuer.protocol !== 'https:' &&
      !(this.#issuer.protocol === 'http:' && isLoopback(this.#issuer))
    ) {
      throw new TypeError(
        `issuer ${options.issuer}: https is required (plain http only on a loopback address)`,
      );
    }
  }

  get issuer(): string {
    return this.#options.issuer;
  }

  /** The provider's metadata, discovered once (again after a failure). */
  configuration(): Promise<client.Configuration> {
    if (!this.#config) {
      this.#config = this.discover();
      this.#config.catch(() => {
        this.#config = undefined;
      });
    }
    return this.#config;
  }

  /** A fresh discovery request, for health checks. */
  async discover(): Promise<client.Configuration> {
    const { clientId, clientSecret, timeoutMs } = this.#options;
    try {
      return await client.discovery(
        this.#issuer,
        clientId,
        clientSecret === undefined ? undefined : { client_secret: clientSecret },
        clientSecret === undefined ? client.None() : client.ClientSecretBasic(clientSecret),
        {
          timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
          ...(this.#issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
        },
      );
    } catch (error) {
      throw this.#failure(error, 'discovery');
    }
  }

  async supportsDeviceFlow(): Promise<boolean> {
    return (await this.configuration()).serverMetadata().device_authorization_endpoint !== undefined;
  }

  async beginAuthorization(options: {
    redirectUri: string;
    offline?: boolean;
    now?: number;
  }): Promise<{ url: URL; pending: PendingAuthorization }> {
    const config = await this.configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const pending: PendingAuthorization = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier,
      redirectUri: options.redirectUri,
      expiresAt: (options.now ?? Date.now()) + AUTHORIZATION_TTL_MS,
    };
    const scope = this.#scope(config, options.offline ?? false);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: options.redirectUri,
      scope,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      // Providers grant offline_access only with an explicit consent prompt (OIDC Core §11).
      ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}),
    });
    return { url, pending };
  }

  /** Exchanges the callback (`?code=…&state=…`) for the person's identity. */
  async finishAuthorization(
    callback: URL,
    pending: PendingAuthorization,
    now = Date.now(),
  ): Promise<OidcLogin> {
    if (now > pending.expiresAt) throw new Unauthorized('the login took too long; start it again');
    const config = await this.configuration();
    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
    try {
      tokens = await client.authorizationCodeGrant(
        config,
        callback,
        {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        },
        { redirect_uri: pending.redirectUri },
      );
    } catch (error) {
      throw this.#failure(error, 'the code exchange');
    }
    return this.#login(config, tokens);
  }

  async beginDeviceLogin(options: { offline?: boolean; now?: number } = {}): Promise<DeviceLogin> {
    const config = await this.configuration();
    if (!config.serverMetadata().device_authorization_endpoint) {
      throw new Unavailable(`${this.issuer} has no device authorization endpoint; use the loopback redirect`);
    }
    let grant: client.DeviceAuthorizationResponse;
    try {
      grant = await client.initiateDeviceAuthorization(config, {
        scope: this.#scope(config, options.offline ?? true),
      });
    } catch (error) {
      throw this.#failure(error, 'the device authorization request');
    }
    return {
      userCode: grant.user_code,
      verificationUri: grant.verification_uri,
      verificationUriComplete: grant.verification_uri_complete,
      expiresAt: (options.now ?? Date.now()) + grant.expires_in * 1000,
      grant,
    };
  }

  /** Polls the token endpoint (at the provider's interval) until the person approves or refuses. */
  async finishDeviceLogin(login: DeviceLogin, signal?: AbortSignal): Promise<OidcLogin> {
    const config = await this.configuration();
    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
    try {
      tokens = await client.pollDeviceAuthorizationGrant(
        config,
        login.grant,
        undefined,
        signal ? { signal } : {},
      );
    } catch (error) {
      throw this.#failure(error, 'the device login');
    }
    return this.#login(config, tokens);
  }

  /** The person as the provider sees them now; fails (Unauthorized) when the grant was revoked. */
  async refresh(refreshToken: string): Promise<OidcLogin> {
    const config = await this.configuration();
    let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;
    try {
      tokens = await client.refreshTokenGrant(config, refreshToken);
    } catch (error) {
      throw this.#failure(error, 'the refresh');
    }
    return this.#login(config, tokens, refreshToken);
  }

  #scope(config: client.Configuration, offline: boolean): string {
    const supported = new Set(config.serverMetadata().scopes_supported ?? []);
    const scopes = ['openid', 'profile', 'email'];
    if (supported.has('groups')) scopes.push('groups');
    if (offline && supported.has('offline_access')) scopes.push('offline_access');
    return scopes.join(' ');
  }

  async #login(
    config: client.Configuration,
    tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
    previousRefreshToken?: string,
  ): Promise<OidcLogin> {
    let claims: Claims = tokens.claims() ?? {};
    const { usernameClaim, groupsClaim } = this.#options.mapping;
    if (!hasClaim(claims, usernameClaim) || !hasClaim(claims, groupsClaim)) {
      const subject = typeof claims.sub === 'string' ? claims.sub : client.skipSubjectCheck;
      try {
        claims = { ...(await client.fetchUserInfo(config, tokens.access_token, subject)), ...claims };
      } catch (error) {
        throw this.#failure(error, 'the userinfo request');
      }
    }
    const refreshToken = tokens.refresh_token ?? previousRefreshToken;
    return {
      identity: claimsToIdentity(claims, this.#options.mapping),
      ...(refreshToken ? { refreshToken } : {}),
    };
  }

  /** An AuthorityError for a failed exchange: the provider's refusal is 401, its absence 503. */
  #failure(error: unknown, during: string): Error {
    const secrets = this.#options.clientSecret ? [this.#options.clientSecret] : [];
    if (error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError) {
      return new Unauthorized(`the identity provider refused ${during}: ${error.error}`, {
        detail: describeFailure(error, secrets),
      });
    }
    if (error instanceof client.ClientError) {
      // Mismatched state, nonce or issuer, a bad ID token signature: not a login to trust.
      return new Unauthorized(`the identity provider's answer to ${during} failed a check`, {
        detail: describeFailure(error, secrets),
      });
    }
    const cause =
      error instanceof Error && error.cause instanceof Error
        ? `: ${describeFailure(error.cause, secrets)}`
        : '';
    return new Unavailable(`the identity provider ${this.issuer} did not answer ${during}`, {
      detail: `${describeFailure(error, secrets)}${cause}`,
    });
  }
}

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
}
