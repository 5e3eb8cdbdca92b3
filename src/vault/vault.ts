/**
 * The credential vault: registry credentials grouped by environment, secrets sealed with the
 * master key (AES-256-GCM, SecretBox), one credential per registry address per environment
 * (adding again replaces it: the newest wins). Shared by the CLI (local mode) and the API.
 * Every secret read goes through `reveal*` and is audited.
 */
import type { Kysely } from 'kysely';
import { type AuditSink, NULL_AUDIT } from '../audit/audit-entry.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
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
import {
  type CredentialRecord,
  type CredentialRow,
  type RevealedCredential,
  secretAad,
  toRecord,
} from './credential-record.ts';
import {
  deactivated,
  type EnvironmentSettings,
  isAllowed,
  notAllowed,
  parseEnvironmentName,
  settingsFromRow,
} from './environment-settings.ts';

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

export interface VaultOptions {
  readonly now?: () => number;
}

export class Vault {
  readonly #db: Kysely<Database>;
  readonly #box: SecretBox;
  readonly #audit: AuditSink;
  readonly #now: () => number;
  #changed = false;

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
    this.#db = db;
    this.#box = box;
    this.#audit = audit;
    this.#now = options.now ?? Date.now;
  }

  get db(): Kysely<Database> {
    return this.#db;
  }

  /** True once this instance changed something the credential helper reads. */
  get changed(): boolean {
    return this.#changed;
  }

  // ---- environments -------------------------------------------------------------------------

  async settings(environment: string): Promise<EnvironmentSettings> {
    const name = parseEnvironmentName(environment);
    const row = await this.#db
      .selectFrom('vault_environments')
      .select(['default_registry', 'allowlist'])
      .where('name', '=', name)
      .executeTakeFirst();
    return settingsFromRow(name, row);
  }

  async listEnvironments(): Promise<EnvironmentSettings[]> {
    const rows = await this.#db.selectFrom('vault_environments').selectAll().orderBy('name').execute();
    return rows.map((r) => settingsFromRow(r.name, r));
  }

  async ensureEnvironment(environment: string, actor: Actor): Promise<string> {
    const name = parseEnvironmentName(environment);
    const now = this.#now();
    await this.#db
      .insertInto('vault_environments')
      .values({
        name,
        default_registry: null,
        allowlist: null,
        created_at: now,
        updated_at: now,
        updated_by: actor.name,
      })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return name;
  }

  async setDefaultRegistry(
    environment: string,
    address: string | null,
    actor: Actor,
  ): Promise<EnvironmentSettings> {
    const name = await this.ensureEnvironment(environment, actor);
    const value = address === null ? null : parseRegistryAddress(address);
    await this.#db
      .updateTable('vault_environments')
      .set({ default_registry: value, updated_at: this.#now(), updated_by: actor.name })
      .where('name', '=', name)
      .execute();
    await this.#record(actor, 'vault.settings.update', `environment:${name}`, { defaultRegistry: value });
    return this.settings(name);
  }

  /** Sets the allowlist (addresses normalized, Docker Hub aliases folded); null removes it. */
  async setAllowlist(
    environment: string,
    addresses: readonly string[] | null,
    actor: Actor,
  ): Promise<EnvironmentSettings> {
    const name = await this.ensureEnvironment(environment, actor);
    const value = addresses === null ? null : [...new Set(addresses.map(parseRegistryAddress))].sort();
    await this.#db
      .updateTable('vault_environments')
      .set({
        allowlist: value === null ? null : JSON.stringify(value),
        updated_at: this.#now(),
        updated_by: actor.name,
      })
      .where('name', '=', name)
      .execute();
    await this.#record(actor, 'vault.settings.update', `environment:${name}`, { allowlist: value });
    return this.settings(name);
  }

  // ---- credentials --------------------------------------------------------------------------

  /** Adds a credential, replacing any existing one for the same address (the newest wins). */
  async add(input: AddCredentialInput, actor: Actor): Promise<CredentialRecord> {
    const environment = await this.ensureEnvironment(input.environment ?? 'default', actor);
    const address = parseRegistryAddress(input.address);
    const kind = input.kind ?? 'basic';
    const username = checkUsername(kind, input.username);
    if (input.secret === '') throw new BadRequest('the secret (password or token) is empty');
    const now = this.#now();
    const sealed = this.#box.seal(input.secret, secretAad(environment, address));
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
    await this.#db
      .insertInto('vault_credentials')
      .values({ environment, address, created_at: now, ...values })
      .onConflict((oc) => oc.columns(['environment', 'address']).doUpdateSet(values))
      .execute();
    await this.#record(actor, 'credential.create', `credential:${environment}/${address}`, {
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
    const row = await this.#row(environment, address);
    if (row.state === 'deleted')
      throw new NotFound(
        `no credential for ${row.address} in environment ${row.environment} (it was deleted; add it again)`,
      );
    const now = this.#now();
    const set: Partial<CredentialRow> = { updated_at: now, updated_by: actor.name };
    if (input.username !== undefined) set.username = checkUsername(row.kind, input.username);
    if (input.email !== undefined) set.email = input.email;
    if (input.expiresAt !== undefined) set.expires_at = input.expiresAt;
    if (input.secret !== undefined) {
      if (input.secret === '') throw new BadRequest('the secret (password or token) is empty');
      set.secret = this.#box.seal(input.secret, secretAad(row.environment, row.address));
      set.secret_changed_at = now;
      set.check_status = null;
    }
    await this.#db.updateTable('vault_credentials').set(set).where('id', '=', row.id).execute();
    const changed = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
    await this.#record(actor, 'credential.update', `credential:${row.environment}/${row.address}`, {
      changed,
    });
    return this.show(row.environment, row.address);
  }

  async list(environment: string, options: { includeDeleted?: boolean } = {}): Promise<CredentialRecord[]> {
    const name = parseEnvironmentName(environment);
    let query = this.#db.selectFrom('vault_credentials').selectAll().where('environment', '=', name);
    if (!options.includeDeleted) query = query.where('state', '!=', 'deleted');
    return (await query.orderBy('address').execute()).map(toRecord);
  }

  async show(environment: string, address: string): Promise<CredentialRecord> {
    return toRecord(await this.#row(environment, address));
  }

  async setState(
    environment: string,
    address: string,
    state: Exclude<CredentialState, 'deleted'>,
    actor: Actor,
  ): Promise<CredentialRecord> {
    const row = await this.#row(environment, address);
    if (row.state === 'deleted')
      throw new NotFound(
        `no credential for ${row.address} in environment ${row.environment} (it was deleted; add it again)`,
      );
    await this.#db
      .updateTable('vault_credentials')
      .set({ state, updated_at: this.#now(), updated_by: actor.name })
      .where('id', '=', row.id)
      .execute();
    await this.#record(
      actor,
      state === 'active' ? 'credential.activate' : 'credential.deactivate',
      `credential:${row.environment}/${row.address}`,
    );
    return this.show(row.environment, row.address);
  }

  /** Deletes a credential: the secret is destroyed, the row stays as a tombstone for the audit trail. */
  async remove(environment: string, address: string, actor: Actor): Promise<void> {
    const row = await this.#row(environment, address);
    await this.#db
      .updateTable('vault_credentials')
      .set({
        state: 'deleted',
        secret: null,
        check_status: null,
        check_message: null,
        updated_at: this.#now(),
        updated_by: actor.name,
      })
      .where('id', '=', row.id)
      .execute();
    await this.#record(actor, 'credential.delete', `credential:${row.environment}/${row.address}`);
  }

  /** Records the result of `vault check` (no secret involved). */
  async recordCheck(
    id: number,
    status: 'valid' | 'invalid' | 'expired' | 'unreachable',
    message: string | null,
  ): Promise<void> {
    await this.#db
      .updateTable('vault_credentials')
      .set({ check_status: status, check_message: message, checked_at: this.#now() })
      .where('id', '=', id)
      .execute();
  }

  // ---- reading secrets (audited) ------------------------------------------------------------

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
    const settings = await this.settings(environment);
    const address = normalizeRegistryAddress(server);
    const target = `credential:${settings.name}/${address}`;
    if (!isAllowed(settings, address)) {
      await this.#record(actor, 'credential.read', target, { purpose, reason: 'not in allowlist' }, 'denied');
      throw notAllowed(settings, address);
    }
    const row = await this.#db
      .selectFrom('vault_credentials')
      .selectAll()
      .where('environment', '=', settings.name)
      .where('address', '=', address)
      .executeTakeFirst();
    if (!row || row.state === 'deleted' || row.secret === null) {
      throw new NotFound(`no credential for ${address} in environment ${settings.name}`);
    }
    if (row.state === 'deactivated') {
      await this.#record(actor, 'credential.read', target, { purpose, reason: 'deactivated' }, 'denied');
      throw deactivated(address);
    }
    const revealed = this.#open(row);
    await this.#record(actor, 'credential.read', target, { purpose });
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
    const settings = await this.settings(environment);
    const rows = await this.#db
      .selectFrom('vault_credentials')
      .selectAll()
      .where('environment', '=', settings.name)
      .where('state', '=', 'active')
      .orderBy('address')
      .execute();
    const out: RevealedCredential[] = [];
    for (const row of rows) {
      if (row.secret === null || !isAllowed(settings, row.address)) continue;
      out.push(this.#open(row));
      await this.#record(actor, 'credential.read', `credential:${settings.name}/${row.address}`, { purpose });
    }
    return out;
  }

  /** Re-seals every stored secret under `box`'s current key; returns how many changed. */
  async reseal(box: SecretBox): Promise<number> {
    const rows = await this.#db
      .selectFrom('vault_credentials')
      .select(['id', 'environment', 'address', 'secret'])
      .where('secret', 'is not', null)
      .execute();
    let changed = 0;
    for (const row of rows) {
      const sealed = row.secret!;
      if (box.currentKeyId === keyIdOf(sealed)) continue;
      const aad = secretAad(row.environment, row.address);
      await this.#db
        .updateTable('vault_credentials')
        .set({ secret: box.seal(box.open(sealed, aad), aad) })
        .where('id', '=', row.id)
        .where('secret', '=', sealed)
        .execute();
      changed += 1;
      this.#changed = true;
    }
    return changed;
  }

  #open(row: CredentialRow): RevealedCredential {
    const aad = secretAad(row.environment, row.address);
    const secret = this.#box.open(row.secret!, aad);
    return {
      environment: row.environment,
      address: row.address,
      username: row.username,
      secret,
      kind: row.kind,
      email: row.email,
    };
  }

  async #row(environment: string, address: string): Promise<CredentialRow> {
    const name = parseEnvironmentName(environment);
    const canonical = normalizeRegistryAddress(address);
    const row = await this.#db
      .selectFrom('vault_credentials')
      .selectAll()
      .where('environment', '=', name)
      .where('address', '=', canonical)
      .executeTakeFirst();
    if (!row) throw new NotFound(`no credential for ${canonical} in environment ${name}`);
    return row;
  }

  async #record(
    actor: Actor,
    action: string,
    target: string,
    details?: Record<string, unknown>,
    outcome: 'success' | 'denied' = 'success',
  ): Promise<void> {
    if (action !== 'credential.read') this.#changed = true;
    await this.#audit.record({
      action,
      actor: actor.name,
      actorKind: actor.kind,
      target,
      outcome,
      ...(actor.sourceAddress ? { sourceAddress: actor.sourceAddress } : {}),
      ...(actor.userAgent ? { userAgent: actor.userAgent } : {}),
      ...(details ? { details } : {}),
      time: this.#now(),
    });
  }
}

function keyIdOf(sealed: string): string | undefined {
  return sealed.split('.')[1];
}

function checkUsername(kind: CredentialKind, username: string): string {
  const value = username.trim();
  if (kind === 'gcr-json-key' && value !== GCR_JSON_KEY_USERNAME)
    throw new BadRequest(`a gcr-json-key credential uses the username ${GCR_JSON_KEY_USERNAME}`);
  if (kind === 'identity-token') return value === '' ? IDENTITY_TOKEN_USERNAME : value;
  if (value === '') throw new BadRequest('the username is empty');
  if (value === IDENTITY_TOKEN_USERNAME && kind === 'basic')
    throw new BadRequest(
      `the username ${IDENTITY_TOKEN_USERNAME} means an identity token: use --kind identity-token`,
    );
  if (!(CREDENTIAL_KINDS as readonly string[]).includes(kind) && !/^[a-z][a-z0-9-]{1,40}$/.test(kind))
    throw new BadRequest(`unknown credential kind "${kind}"`);
  return value;
}
