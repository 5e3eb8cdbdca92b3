/**
 * The credential vault: registry credentials grouped by environment, secrets sealed with the
 * master key (AES-256-GCM, SecretBox). One object over the four jobs, each in its own module:
 * environments and their settings (vault-environments.ts), credentials (vault-credentials.ts),
 * reading secrets, always audited (vault-secrets.ts), and re-sealing (vault-reseal.ts). Used by
 * the credential service (src/app/) and by the CLI's local commands.
 */
import type { Kysely } from 'kysely';
import { type AuditSink, NULL_AUDIT } from '../audit/audit-entry.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { CredentialState } from '../domain/credential-kind.ts';
import type { Database } from '../store/schema.ts';
import type { Actor } from './actor.ts';
import type { CredentialRecord, RevealedCredential } from './credential-record.ts';
import type { EnvironmentSettings } from './environment-settings.ts';
import { VaultCloudTokens, type VaultCloudTokensOptions } from './minted-tokens.ts';
import {
  type AddCredentialInput,
  type UpdateCredentialInput,
  VaultCredentials,
} from './vault-credentials.ts';
import { VaultEnvironments } from './vault-environments.ts';
import { VaultJournal } from './vault-journal.ts';
import { resealSecrets } from './vault-reseal.ts';
import { VaultSecrets } from './vault-secrets.ts';

export type { AddCredentialInput, UpdateCredentialInput };

export interface VaultOptions {
  readonly now?: () => number;
  /** Called after each secret revealed, with its channel (the reveal's purpose): for metrics. */
  readonly onSecretRead?: (channel: string) => void;
  /** The minted-token cache of the cloud kinds (clock, metrics events, providers for tests). */
  readonly cloud?: VaultCloudTokensOptions;
}

export class Vault {
  readonly #db: Kysely<Database>;
  readonly #journal: VaultJournal;
  readonly environments: VaultEnvironments;
  readonly credentials: VaultCredentials;
  readonly secrets: VaultSecrets;
  /** Tokens minted for the cloud kinds; `close()` stops their background refreshes. */
  readonly cloud: VaultCloudTokens;

  /**
   * A long-running server passes a SecretBox that can reload its keyring, so values sealed under
   * a key added by `vault rotate-key` (in another process) open without a restart.
   */
  constructor(
    db: Kysely<Database>,
    box: SecretBox,
    audit: AuditSink = NULL_AUDIT,
    options: VaultOptions = {},
  ) {
    const now = options.now ?? Date.now;
    this.#db = db;
    this.#journal = new VaultJournal(audit, now);
    this.environments = new VaultEnvironments(db, this.#journal, now);
    this.credentials = new VaultCredentials(db, box, this.environments, this.#journal, now);
    this.cloud = new VaultCloudTokens(db, box, this.#journal, options.cloud);
    this.secrets = new VaultSecrets(
      db,
      box,
      this.environments,
      this.#journal,
      this.cloud,
      options.onSecretRead,
    );
  }

  get db(): Kysely<Database> {
    return this.#db;
  }

  /** True once this instance changed something the credential helper reads. */
  get changed(): boolean {
    return this.#journal.changed;
  }

  settings(environment: string): Promise<EnvironmentSettings> {
    return this.environments.settings(environment);
  }

  listEnvironments(): Promise<EnvironmentSettings[]> {
    return this.environments.list();
  }

  ensureEnvironment(environment: string, actor: Actor): Promise<string> {
    return this.environments.ensure(environment, actor);
  }

  setDefaultRegistry(
    environment: string,
    address: string | null,
    actor: Actor,
  ): Promise<EnvironmentSettings> {
    return this.environments.setDefaultRegistry(environment, address, actor);
  }

  setAllowlist(
    environment: string,
    addresses: readonly string[] | null,
    actor: Actor,
  ): Promise<EnvironmentSettings> {
    return this.environments.setAllowlist(environment, addresses, actor);
  }

  add(input: AddCredentialInput, actor: Actor): Promise<CredentialRecord> {
    return this.credentials.add(input, actor);
  }

  update(
    environment: string,
    address: string,
    input: UpdateCredentialInput,
    actor: Actor,
  ): Promise<CredentialRecord> {
    return this.credentials.update(environment, address, input, actor);
  }

  list(environment: string, options: { includeDeleted?: boolean } = {}): Promise<CredentialRecord[]> {
    return this.credentials.list(environment, options);
  }

  show(environment: string, address: string): Promise<CredentialRecord> {
    return this.credentials.show(environment, address);
  }

  setState(
    environment: string,
    address: string,
    state: Exclude<CredentialState, 'deleted'>,
    actor: Actor,
  ): Promise<CredentialRecord> {
    return this.credentials.setState(environment, address, state, actor);
  }

  remove(environment: string, address: string, actor: Actor): Promise<void> {
    return this.credentials.remove(environment, address, actor);
  }

  recordCheck(
    id: number,
    status: 'valid' | 'invalid' | 'expired' | 'unreachable',
    message: string | null,
  ): Promise<void> {
    return this.credentials.recordCheck(id, status, message);
  }

  reveal(environment: string, server: string, actor: Actor, purpose = 'read'): Promise<RevealedCredential> {
    return this.secrets.reveal(environment, server, actor, purpose);
  }

  revealForExport(
    environment: string,
    registries: readonly string[] | undefined,
    actor: Actor,
    purpose: string,
  ): Promise<RevealedCredential[]> {
    return this.secrets.revealForExport(environment, registries, actor, purpose);
  }

  /** Stops the cloud tokens' background refreshes (the process is done with the vault). */
  close(): Promise<void> {
    return this.cloud.close();
  }

  /** Re-seals every stored secret under `box`'s current key; returns how many changed. */
  reseal(box: SecretBox): Promise<number> {
    return resealSecrets(this.#db, box, this.#journal);
  }
}
