/**
 * An OIDC provider (Keycloak, Dex, Entra ID, Okta) as an identity source.
 *
 * People log in at the provider (browser code flow, `purser login --sso`), never with a password
 * Purser sees. What docker and skopeo send is a CLI secret issued at such a login, so
 * `authenticate(username, password)` checks the password as the person's CLI secret:
 * - a valid secret → accepted, with the identity kept from the last interactive login or sync;
 * - a wrong one → rejected; no secret for the name → unknown (the provider may know the person,
 *   but without a login through it Purser cannot tell).
 * The provider is not contacted on this path, so its outage does not stop `docker login` for
 * people who already hold a secret; `health()` and the interactive logins do contact it.
 */
import { type CliSecretRecord, type CliSecretStore, checkCliSecret, issueCliSecret } from '../cli-secret.ts';
import {
  accepted,
  describeFailure,
  type ExternalIdentity,
  type IdentitySource,
  REJECTED,
  type SourceHealth,
  type SourceResult,
  UNKNOWN,
  unavailable,
} from '../identity-source.ts';
import type { OidcLogin, OidcRelyingParty } from './oidc-relying-party.ts';

export interface OidcSourceOptions {
  readonly name: string;
  /** What the console's "Sign in with …" button names; the source name when absent. */
  readonly displayName?: string;
  readonly relyingParty: OidcRelyingParty;
  readonly cliSecrets: CliSecretStore;
  readonly timeoutMs: number;
}

export type OidcSync =
  /** What the provider says now (the refresh token stays in the store, out of every result). */
  | { readonly outcome: 'updated'; readonly identity: ExternalIdentity }
  | { readonly outcome: 'revoked' }
  | { readonly outcome: 'none' }
  | { readonly outcome: 'no-refresh-token' };

export class OidcSource implements IdentitySource {
  readonly kind = 'oidc' as const;
  readonly name: string;
  readonly displayName: string;
  readonly timeoutMs: number;
  readonly relyingParty: OidcRelyingParty;
  readonly #secrets: CliSecretStore;

  constructor(options: OidcSourceOptions) {
    this.name = options.name;
    this.displayName = options.displayName ?? options.name;
    this.timeoutMs = options.timeoutMs;
    this.relyingParty = options.relyingParty;
    this.#secrets = options.cliSecrets;
  }

  async authenticate(username: string, password: string): Promise<SourceResult> {
    if (username === '') return UNKNOWN;
    if (password === '') return REJECTED;
    let check: Awaited<ReturnType<typeof checkCliSecret>>;
    try {
      check = await checkCliSecret(this.#secrets, this.name, username, password);
    } catch (error) {
      return unavailable(`the CLI secret store failed: ${describeFailure(error, [password])}`);
    }
    switch (check.outcome) {
      case 'valid':
        return accepted(check.record.identity);
      case 'invalid':
        return REJECTED;
      case 'none':
        return UNKNOWN;
    }
  }

  /**
   * A new CLI secret for someone who just logged in at the provider, kept with the provider's
   * refresh token (for sync) when the login carries one; shown to them once.
   */
  issueCliSecret(login: OidcLogin | ExternalIdentity): Promise<string> {
    const identity = 'identity' in login ? login.identity : login;
    if (identity.source !== this.name)
      throw new TypeError(`an identity of ${identity.source}, not ${this.name}`);
    const refreshToken = 'identity' in login ? login.refreshToken : undefined;
    return issueCliSecret(this.#secrets, identity, { refreshToken });
  }

  /** The person's CLI secret record (its hash and the kept identity), if they hold one. */
  cliSecretRecord(username: string): Promise<CliSecretRecord | undefined> {
    return this.#secrets.find(this.name, username);
  }

  /** The identity kept from the person's last interactive login or sync, if they hold a secret. */
  async currentIdentity(username: string): Promise<ExternalIdentity | undefined> {
    return (await this.#secrets.find(this.name, username))?.identity;
  }

  revokeCliSecret(username: string): Promise<boolean> {
    return this.#secrets.revoke(this.name, username);
  }

  /**
   * Asks the provider again through the refresh token kept with the person's CLI secret: the
   * kept identity (and the refresh token, when the provider rotates it) is updated, or, when the
   * provider refuses the token (the person was disabled, the grant revoked, the token expired),
   * the CLI secret is revoked. `none`: the person holds no CLI secret; `no-refresh-token`: the
   * provider gave none at the last login (no offline_access). A provider that does not answer
   * throws Unavailable, and nothing changes.
   */
  async sync(username: string): Promise<OidcSync> {
    const record = await this.#secrets.find(this.name, username);
    if (!record) return { outcome: 'none' };
    if (!record.refreshToken) return { outcome: 'no-refresh-token' };
    let login: OidcLogin;
    try {
      login = await this.relyingParty.refresh(record.refreshToken);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'UNAUTHORIZED') {
        await this.#secrets.revoke(this.name, username);
        return { outcome: 'revoked' };
      }
      throw error;
    }
    if (login.identity.externalId !== record.identity.externalId) {
      // Another subject behind the same token: never re-bind; treat as refused.
      await this.#secrets.revoke(this.name, username);
      return { outcome: 'revoked' };
    }
    await this.#secrets.updateIdentity(this.name, username, login.identity, login.refreshToken);
    return { outcome: 'updated', identity: login.identity };
  }

  async health(): Promise<SourceHealth> {
    const started = performance.now();
    try {
      const config = await this.relyingParty.discover();
      const device = config.serverMetadata().device_authorization_endpoint ? 'device flow' : 'no device flow';
      return {
        ok: true,
        detail: `discovery served by ${this.relyingParty.issuer} (${device})`,
        latencyMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      const detail = (error as { detail?: string }).detail;
      return {
        ok: false,
        detail: `${describeFailure(error)}${detail ? ` (${detail})` : ''}`,
        latencyMs: Math.round(performance.now() - started),
      };
    }
  }

  async close(): Promise<void> {}
}
