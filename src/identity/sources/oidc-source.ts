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

  /** A new CLI secret for someone who just logged in at the provider; shown to them once. */
  issueCliSecret(login: OidcLogin | ExternalIdentity): Promise<string> {
    const identity = 'identity' in login ? login.identity : login;
    if (identity.source !== this.name)
      throw new TypeError(`an identity of ${identity.source}, not ${this.name}`);
    return issueCliSecret(this.#secrets, identity);
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
   * Asks the provider again through a refresh token: the kept identity is updated, or, when the
   * provider refuses (the person was disabled, the grant revoked), the CLI secret is revoked.
   */
  async sync(
    username: string,
    refreshToken: string,
  ): Promise<{ outcome: 'updated'; login: OidcLogin } | { outcome: 'revoked' }> {
    let login: OidcLogin;
    try {
      login = await this.relyingParty.refresh(refreshToken);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'UNAUTHORIZED') {
        await this.#secrets.revoke(this.name, username);
        return { outcome: 'revoked' };
      }
      throw error;
    }
    await this.#secrets.updateIdentity(this.name, username, login.identity);
    return { outcome: 'updated', login };
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
