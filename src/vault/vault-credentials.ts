/**
 * The credentials of the vault: one per registry address per environment (adding again
 * replaces it: the newest wins), secrets sealed with the master key under an AAD naming the
 * environment and address. Nothing here returns a secret (see vault-secrets.ts).
 */
import type { Kysely } from 'kysely';
import { CLOUD_USERNAMES, openCloudMaterial, serializeCloudMaterial } from '../cloud/cloud-credential.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { isCloudKind } from '../domain/cloud-kind.cts';
import {
  CREDENTIAL_KINDS,
  type CredentialKind,
  type CredentialState,
  GCR_JSON_KEY_USERNAME,
  IDENTITY_TOKEN_USERNAME,
} from '../domain/credential-kind.ts';
import { BadRequest, NotFound } from '../domain/errors.ts';
import { normalizeRegistryAddress, parseRegistryAddress } from '../domain/registry-address.ts';
import type { Database } from '../store/schema.ts';
import type { Actor } from './actor.ts';
import { type CredentialRecord, type CredentialRow, secretAad, toRecord } from './credential-record.ts';
import { parseEnvironmentName } from './environment-settings.ts';
import { forgetMintedTokens } from './minted-tokens.ts';
import type { VaultEnvironments } from './vault-environments.ts';
import type { VaultJournal } from './vault-journal.ts';

export interface AddCredentialInput {
  readonly environment?: string;
  readonly address: string;
  readonly username: string;
  readonly secret: string;
  readonly email?: string | null;
  readonly kind?: CredentialKind;
  readonly expiresAt?: number | null;
}

export interface UpdateCredentialInput {
  readonly username?: string;
  /** A new secret; the stored one is never shown, so changing it means entering a new one. */
  readonly secret?: string;
  readonly email?: string | null;
  readonly expiresAt?: number | null;
}

export class VaultCredentials {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly environments: VaultEnvironments,
    private readonly journal: VaultJournal,
    private readonly now: () => number,
  ) {}

  /** Adds a credential, replacing any existing one for the same address (the newest wins). */
  async add(input: AddCredentialInput, actor: Actor): Promise<CredentialRecord> {
    const environment = await this.environments.ensure(input.environment ?? 'default', actor);
    const address = parseRegistryAddress(input.address);
    const kind = input.kind ?? 'basic';
    if (input.secret === '') throw new BadRequest('the secret (password or token) is empty');
    // A cloud kind's secret is its material (JSON), checked here; clients get minted tokens.
    const secret = isCloudKind(kind)
      ? serializeCloudMaterial(openCloudMaterial(kind, input.secret))
      : input.secret;
    const username = isCloudKind(kind) ? CLOUD_USERNAMES[kind] : checkUsername(kind, input.username);
    const now = this.now();
    const sealed = this.box.seal(secret, secretAad(environment, address));
    const values = {
      username,
      secret: sealed,
      email: input.email ?? null,
      kind,
      state: 'active' as const,
      expires_at: input.expiresAt ?? null,
      check_status: null,
      check_message: null,
      checked_at: null,
      updated_at: now,
      updated_by: actor.name,
      secret_changed_at: now,
    };
    await this.db
      .insertInto('vault_credentials')
      .values({ environment, address, created_at: now, ...values })
      .onConflict((oc) => oc.columns(['environment', 'address']).doUpdateSet(values))
      .execute();
    await forgetMintedTokens(this.db, environment, address);
    await this.journal.record(actor, 'credential.create', `credential:${environment}/${address}`, {
      kind,
      username,
    });
    return this.show(environment, address);
  }

  async update(
    environment: string,
    address: string,
    input: UpdateCredentialInput,
    actor: Actor,
  ): Promise<CredentialRecord> {
    const row = await this.row(environment, address);
    if (row.state === 'deleted')
      throw new NotFound(
        `no credential for ${row.address} in environment ${row.environment} (it was deleted; add it again)`,
      );
    const now = this.now();
    const set: Partial<CredentialRow> = { updated_at: now, updated_by: actor.name };
    if (input.username !== undefined && isCloudKind(row.kind))
      throw new BadRequest(`a ${row.kind} credential's user name is fixed (${row.username})`);
    if (input.username !== undefined) set.username = checkUsername(row.kind, input.username);
    if (input.email !== undefined) set.email = input.email;
    if (input.expiresAt !== undefined) set.expires_at = input.expiresAt;
    if (input.secret !== undefined) {
      if (input.secret === '') throw new BadRequest('the secret (password or token) is empty');
      const secret = isCloudKind(row.kind) ? cloudSecret(row.kind, input.secret) : input.secret;
      set.secret = this.box.seal(secret, secretAad(row.environment, row.address));
      set.secret_changed_at = now;
      set.check_status = null;
    }
    await this.db.updateTable('vault_credentials').set(set).where('id', '=', row.id).execute();
    if (input.secret !== undefined) await forgetMintedTokens(this.db, row.environment, row.address);
    const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
    await this.journal.record(actor, 'credential.update', `credential:${row.environment}/${row.address}`, {
      changed,
    });
    return this.show(row.environment, row.address);
  }

  async list(environment: string, options: { includeDeleted?: boolean } = {}): Promise<CredentialRecord[]> {
    const name = parseEnvironmentName(environment);
    let query = this.db.selectFrom('vault_credentials').selectAll().where('environment', '=', name);
    if (!options.includeDeleted) query = query.where('state', '!=', 'deleted');
    return (await query.orderBy('address').execute()).map(toRecord);
  }

  async show(environment: string, address: string): Promise<CredentialRecord> {
    return toRecord(await this.row(environment, address));
  }

  async setState(
    environment: string,
    address: string,
    state: Exclude<CredentialState, 'deleted'>,
    actor: Actor,
  ): Promise<CredentialRecord> {
    const row = await this.row(environment, address);
    if (row.state === 'deleted')
      throw new NotFound(
        `no credential for ${row.address} in environment ${row.environment} (it was deleted; add it again)`,
      );
    await this.db
      .updateTable('vault_credentials')
      .set({ state, updated_at: this.now(), updated_by: actor.name })
      .where('id', '=', row.id)
      .execute();
    await this.journal.record(
      actor,
      state === 'active' ? 'credential.activate' : 'credential.deactivate',
      `credential:${row.environment}/${row.address}`,
    );
    return this.show(row.environment, row.address);
  }

  /** Deletes a credential: the secret is destroyed, the row stays as a tombstone for the audit trail. */
  async remove(environment: string, address: string, actor: Actor): Promise<void> {
    const row = await this.row(environment, address);
    await this.db
      .updateTable('vault_credentials')
      .set({
        state: 'deleted',
        secret: null,
        check_status: null,
        check_message: null,
        updated_at: this.now(),
        updated_by: actor.name,
      })
      .where('id', '=', row.id)
      .execute();
    await forgetMintedTokens(this.db, row.environment, row.address);
    await this.journal.record(actor, 'credential.delete', `credential:${row.environment}/${row.address}`);
  }

  /** Records the result of `vault check` (no secret involved). */
  async recordCheck(
    id: number,
    status: 'valid' | 'invalid' | 'expired' | 'unreachable',
    message: string | null,
  ): Promise<void> {
    await this.db
      .updateTable('vault_credentials')
      .set({ check_status: status, check_message: message, checked_at: this.now() })
      .where('id', '=', id)
      .execute();
  }

  /** The row for an address in any form clients send; NotFound when there is none. */
  async row(environment: string, address: string): Promise<CredentialRow> {
    const name = parseEnvironmentName(environment);
    const canonical = normalizeRegistryAddress(address);
    const row = await this.db
      .selectFrom('vault_credentials')
      .selectAll()
      .where('environment', '=', name)
      .where('address', '=', canonical)
      .executeTakeFirst();
    if (!row) throw new NotFound(`no credential for ${canonical} in environment ${name}`);
    return row;
  }
}

/** New material for a cloud credential, which must be the whole material (JSON), not a token. */
function cloudSecret(kind: Parameters<typeof openCloudMaterial>[0], secret: string): string {
  try {
    return serializeCloudMaterial(openCloudMaterial(kind, secret));
  } catch (error) {
    throw new BadRequest(
      `a ${kind} credential's secret is its material, not a password: store the credential again to change it (${(error as Error).message})`,
    );
  }
}

function checkUsername(kind: CredentialKind, username: string): string {
  const value = username.trim();
  if (kind === 'gcr-json-key' && value !== GCR_JSON_KEY_USERNAME)
    throw new BadRequest(`a gcr-json-key credential uses the username ${GCR_JSON_KEY_USERNAME}`);
  if (kind === 'identity-token') return value === '' ? IDENTITY_TOKEN_USERNAME : value;
  if (value === '') throw new BadRequest('the username is empty');
  if (value === IDENTITY_TOKEN_USERNAME && kind === 'basic')
    throw new BadRequest(
      `the username ${IDENTITY_TOKEN_USERNAME} means an identity token: store it with the kind identity-token`,
    );
  if (!(CREDENTIAL_KINDS as readonly string[]).includes(kind) && !/^[a-z][a-z0-9-]{1,40}$/.test(kind))
    throw new BadRequest(`unknown credential kind "${kind}"`);
  return value;
}
