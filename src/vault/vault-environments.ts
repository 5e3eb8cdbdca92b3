/**
 * Vault environments and their settings: the default registry (where unqualified image names
 * resolve instead of Docker Hub) and the allowlist. An environment exists once something is
 * stored in it or it is configured.
 */
import type { Kysely } from 'kysely';
import { parseRegistryAddress } from '../domain/registry-address.ts';
import type { Database } from '../store/schema.ts';
import type { Actor } from './actor.ts';
import { type EnvironmentSettings, parseEnvironmentName, settingsFromRow } from './environment-settings.ts';
import type { VaultJournal } from './vault-journal.ts';

export class VaultEnvironments {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly journal: VaultJournal,
    private readonly now: () => number,
  ) {}

  async settings(environment: string): Promise<EnvironmentSettings> {
    const name = parseEnvironmentName(environment);
    const row = await this.db
      .selectFrom('vault_environments')
      .select(['default_registry', 'allowlist'])
      .where('name', '=', name)
      .executeTakeFirst();
    return settingsFromRow(name, row);
  }

  async list(): Promise<EnvironmentSettings[]> {
    const rows = await this.db.selectFrom('vault_environments').selectAll().orderBy('name').execute();
    return rows.map((r) => settingsFromRow(r.name, r));
  }

  /** The environment's canonical name, creating it when missing. */
  async ensure(environment: string, actor: Actor): Promise<string> {
    const name = parseEnvironmentName(environment);
    const now = this.now();
    await this.db
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
    const name = await this.ensure(environment, actor);
    const value = address === null ? null : parseRegistryAddress(address);
    await this.db
      .updateTable('vault_environments')
      .set({ default_registry: value, updated_at: this.now(), updated_by: actor.name })
      .where('name', '=', name)
      .execute();
    await this.journal.record(actor, 'vault.settings.update', `environment:${name}`, {
      defaultRegistry: value,
    });
    return this.settings(name);
  }

  /** Sets the allowlist (addresses normalized, Docker Hub aliases folded); null removes it. */
  async setAllowlist(
    environment: string,
    addresses: readonly string[] | null,
    actor: Actor,
  ): Promise<EnvironmentSettings> {
    const name = await this.ensure(environment, actor);
    const value = addresses === null ? null : [...new Set(addresses.map(parseRegistryAddress))].sort();
    await this.db
      .updateTable('vault_environments')
      .set({
        allowlist: value === null ? null : JSON.stringify(value),
        updated_at: this.now(),
        updated_by: actor.name,
      })
      .where('name', '=', name)
      .execute();
    await this.journal.record(actor, 'vault.settings.update', `environment:${name}`, { allowlist: value });
    return this.settings(name);
  }
}
