/**
 * Reading secrets: the one way a secret leaves the vault, always audited (`credential.read`,
 * denied reads included). Refuses deactivated credentials and registries outside the
 * environment's allowlist.
 */
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.ts';
import { isCloudKind } from '../domain/cloud-kind.cts';
import { NotFound } from '../domain/errors.ts';
import { normalizeRegistryAddress, parseRegistryAddress } from '../domain/registry-address.ts';
import type { Database } from '../store/schema.ts';
import type { Actor } from './actor.ts';
import { type CredentialRow, type RevealedCredential, secretAad } from './credential-record.ts';
import { deactivated, isAllowed, notAllowed } from './environment-settings.ts';
import type { VaultCloudTokens } from './minted-tokens.ts';
import type { VaultEnvironments } from './vault-environments.ts';
import type { VaultJournal } from './vault-journal.ts';

export class VaultSecrets {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly environments: VaultEnvironments,
    private readonly journal: VaultJournal,
    private readonly cloud: VaultCloudTokens,
    private readonly onRead: (channel: string) => void = () => {},
  ) {}

  /**
   * The secret for a registry as a pull needs it. Every server form clients send is accepted;
   * refuses deactivated credentials ("registry X is deactivated") and registries outside the
   * allowlist. Throws NotFound on a miss.
   */
  async reveal(
    environment: string,
    server: string,
    actor: Actor,
    purpose = 'read',
  ): Promise<RevealedCredential> {
    const settings = await this.environments.settings(environment);
    const address = normalizeRegistryAddress(server);
    const target = `credential:${settings.name}/${address}`;
    if (!isAllowed(settings, address)) {
      await this.journal.record(
        actor,
        'credential.read',
        target,
        { purpose, reason: 'not in allowlist' },
        'denied',
      );
      throw notAllowed(settings, address);
    }
    const row = await this.db
      .selectFrom('vault_credentials')
      .selectAll()
      .where('environment', '=', settings.name)
      .where('address', '=', address)
      .executeTakeFirst();
    if (!row || row.state === 'deleted' || row.secret === null) {
      throw new NotFound(`no credential for ${address} in environment ${settings.name}`);
    }
    if (row.state === 'deactivated') {
      await this.journal.record(
        actor,
        'credential.read',
        target,
        { purpose, reason: 'deactivated' },
        'denied',
      );
      throw deactivated(address);
    }
    const revealed = await this.#open(row);
    await this.journal.record(actor, 'credential.read', target, { purpose });
    this.onRead(purpose);
    return revealed;
  }

  /**
   * Active, allowed credentials of an environment for an export, optionally only some
   * registries (named ones that are missing, deactivated or not allowed are errors).
   */
  async revealForExport(
    environment: string,
    registries: readonly string[] | undefined,
    actor: Actor,
    purpose: string,
  ): Promise<RevealedCredential[]> {
    if (registries && registries.length > 0) {
      const out: RevealedCredential[] = [];
      for (const r of registries)
        out.push(await this.reveal(environment, parseRegistryAddress(r), actor, purpose));
      return out;
    }
    const settings = await this.environments.settings(environment);
    const rows = await this.db
      .selectFrom('vault_credentials')
      .selectAll()
      .where('environment', '=', settings.name)
      .where('state', '=', 'active')
      .orderBy('address')
      .execute();
    const out: RevealedCredential[] = [];
    for (const row of rows) {
      if (row.secret === null || !isAllowed(settings, row.address)) continue;
      out.push(await this.#open(row));
      await this.journal.record(actor, 'credential.read', `credential:${settings.name}/${row.address}`, {
        purpose,
      });
    }
    return out;
  }

  /** The secret as a client sends it: a cloud kind's is a token minted from the stored material. */
  async #open(row: CredentialRow): Promise<RevealedCredential> {
    const aad = secretAad(row.environment, row.address);
    const secret = this.box.open(row.secret!, aad);
    const base = { environment: row.environment, address: row.address, kind: row.kind, email: row.email };
    if (!isCloudKind(row.kind)) return { ...base, username: row.username, secret };
    const token = await this.cloud.token(row, row.kind, secret);
    return {
      ...base,
      username: token.username,
      secret: token.password,
      expiresAt: Math.round(token.expiresAt * 1000),
      refreshAt: Math.round(token.refreshAt * 1000),
    };
  }
}
