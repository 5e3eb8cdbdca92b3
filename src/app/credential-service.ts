/**
 * The credential vault as a service. Administrators manage everything; services and robots
 * granted an environment (`purser vault grant`) may list its credentials and read their
 * secrets; everyone else is refused. Every secret read is audited (`credential.read`), denied
 * ones included: the vault records reads and changes itself (src/vault/vault-journal.ts), this
 * service records grants and the refusals it decides.
 *
 * The one place a secret leaves Purser for a caller: providers of short-lived cloud tokens
 * plug in behind `reveal` and `lookup`, not beside them.
 */
import type { Kysely } from 'kysely';
import type { AuditSink } from '../audit/audit-entry.ts';
import { BadRequest, Denied } from '../domain/errors.ts';
import type { Database } from '../store/schema.ts';
import { type Actor, principalActor } from '../vault/actor.ts';
import type { CredentialRecord, RevealedCredential } from '../vault/credential-record.ts';
import { type EnvironmentSettings, isAllowed, parseEnvironmentName } from '../vault/environment-settings.ts';
import type { AddCredentialInput, UpdateCredentialInput, Vault } from '../vault/vault.ts';
import {
  type EnvironmentGrant,
  type GrantKind,
  grantEnvironment,
  listGrants,
  mayReadSecrets,
  revokeEnvironment,
} from '../vault/vault-grants.ts';
import { requireAdmin, requireAuthenticated } from './authorization.ts';
import type { Caller } from './caller.ts';

export type CredentialView = CredentialRecord & { allowed: boolean };

export interface SettingsInput {
  readonly defaultRegistry?: string | null | undefined;
  readonly allowlist?: readonly string[] | null | undefined;
}

export interface CredentialServiceDeps {
  readonly vault: Vault;
  readonly db: Kysely<Database>;
  readonly audit: AuditSink;
}

export class CredentialService {
  constructor(private readonly deps: CredentialServiceDeps) {}

  /** The environments the caller may read. */
  async listEnvironments(caller: Caller): Promise<EnvironmentSettings[]> {
    const principal = requireAuthenticated(caller);
    const visible: EnvironmentSettings[] = [];
    for (const e of await this.deps.vault.listEnvironments())
      if (await mayReadSecrets(this.deps.db, principal, e.name)) visible.push(e);
    return visible;
  }

  async settings(caller: Caller, environment: string): Promise<EnvironmentSettings> {
    return this.deps.vault.settings(await this.#requireReader(caller, environment));
  }

  /** Sets the default registry and/or the allowlist (administrators). */
  async updateSettings(
    caller: Caller,
    environment: string,
    input: SettingsInput,
  ): Promise<EnvironmentSettings> {
    requireAdmin(caller);
    const env = parseEnvironmentName(environment);
    const actor = actorOf(caller);
    if (input.defaultRegistry !== undefined)
      await this.deps.vault.setDefaultRegistry(env, input.defaultRegistry, actor);
    if (input.allowlist !== undefined) await this.deps.vault.setAllowlist(env, input.allowlist, actor);
    return this.deps.vault.settings(env);
  }

  /** Never secrets; `allowed` says whether the allowlist lets the address through. */
  async list(caller: Caller, environment: string, options: { includeDeleted?: boolean } = {}) {
    const env = await this.#requireReader(caller, environment);
    const settings = await this.deps.vault.settings(env);
    const records = await this.deps.vault.list(env, options);
    return {
      environment: env,
      credentials: records.map((r): CredentialView => ({ ...r, allowed: isAllowed(settings, r.address) })),
    };
  }

  async show(caller: Caller, environment: string, address: string): Promise<CredentialRecord> {
    return this.deps.vault.show(await this.#requireReader(caller, environment), address);
  }

  /** Stores a credential, replacing the one for the same address (administrators). */
  async add(caller: Caller, environment: string, input: Omit<AddCredentialInput, 'environment'>) {
    requireAdmin(caller);
    return this.deps.vault.add({ ...input, environment }, actorOf(caller));
  }

  async update(caller: Caller, environment: string, address: string, input: UpdateCredentialInput) {
    requireAdmin(caller);
    return this.deps.vault.update(environment, address, input, actorOf(caller));
  }

  async setState(caller: Caller, environment: string, address: string, state: 'active' | 'deactivated') {
    requireAdmin(caller);
    return this.deps.vault.setState(environment, address, state, actorOf(caller));
  }

  /** The secret is destroyed; the record stays as a tombstone for the audit trail. */
  async remove(caller: Caller, environment: string, address: string): Promise<void> {
    requireAdmin(caller);
    await this.deps.vault.remove(environment, address, actorOf(caller));
  }

  /** A secret, by its stored address (audited). */
  async reveal(caller: Caller, environment: string, address: string): Promise<RevealedCredential> {
    const env = await this.#requireReader(caller, environment);
    return this.deps.vault.reveal(env, address, actorOf(caller), 'api');
  }

  /** The credential-helper lookup: any server form clients send (audited). */
  async lookup(caller: Caller, environment: string, server: string): Promise<RevealedCredential> {
    const env = await this.#requireReader(caller, environment);
    const text = server.trim();
    if (text === '') throw new BadRequest('no credentials server URL');
    return this.deps.vault.reveal(env, text, actorOf(caller), 'helper');
  }

  async grants(caller: Caller, environment: string): Promise<EnvironmentGrant[]> {
    requireAdmin(caller);
    return listGrants(this.deps.db, environment);
  }

  /** Lets a service or robot read the environment's secrets. */
  async grant(
    caller: Caller,
    environment: string,
    kind: GrantKind,
    name: string,
  ): Promise<EnvironmentGrant[]> {
    requireAdmin(caller);
    await grantEnvironment(this.deps.db, environment, kind, name, actorOf(caller));
    this.#record(caller, 'vault.grant', environment, { kind, name });
    return listGrants(this.deps.db, environment);
  }

  async revoke(caller: Caller, environment: string, kind: GrantKind, name: string): Promise<void> {
    requireAdmin(caller);
    await revokeEnvironment(this.deps.db, environment, kind, name);
    this.#record(caller, 'vault.revoke', environment, { kind, name });
  }

  /** Administrators, or services and robots granted the environment; a refusal is audited. */
  async #requireReader(caller: Caller, environment: string): Promise<string> {
    const principal = requireAuthenticated(caller);
    const name = parseEnvironmentName(environment);
    if (!(await mayReadSecrets(this.deps.db, principal, name))) {
      this.#record(caller, 'credential.read', name, undefined, 'denied');
      throw new Denied(`not allowed to read the credentials of environment ${name}`);
    }
    return name;
  }

  #record(
    caller: Caller,
    action: string,
    environment: string,
    details?: Record<string, unknown>,
    outcome: 'success' | 'denied' = 'success',
  ): void {
    const actor = actorOf(caller);
    void this.deps.audit.record({
      action,
      actor: actor.name,
      actorKind: actor.kind,
      ...(caller.sourceAddress ? { sourceAddress: caller.sourceAddress } : {}),
      target: `environment:${environment}`,
      outcome,
      ...(details ? { details } : {}),
    });
  }
}

function actorOf(caller: Caller): Actor {
  return principalActor(caller.principal, {
    ...(caller.sourceAddress ? { sourceAddress: caller.sourceAddress } : {}),
    ...(caller.userAgent ? { userAgent: caller.userAgent } : {}),
  });
}
