/**
 * Service accounts (administrators only): machine identities that log in as a service, usually
 * named after the machine's host name. A secret is shown once: in the create reply when Purser
 * generated it, and in the regenerate reply. It is stored as a salted hash only.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import { checkName } from '../domain/entity-names.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import type { Service } from '../domain/model.ts';
import { generateSecret, hashSecret } from '../identity/password.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { Upserted } from '../store/writers/model-change.ts';
import type { ServiceWriter } from '../store/writers/service-writer.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';
import { MachineAccountSecrets, type MachineAccounts, type RegeneratedSecret } from './machine-accounts.ts';
import { ModelView, type ServiceView } from './views.ts';

export interface CreateServiceInput {
  readonly name: string;
  /** The app this service runs (it pulls apps/<app>/...). */
  readonly app?: string | null | undefined;
  /** Without one, a secret is generated and returned once. */
  readonly secret?: string | undefined;
  readonly disabled?: boolean | undefined;
}

export interface UpdateServiceInput {
  readonly app?: string | null | undefined;
  readonly disabled?: boolean | undefined;
}

export interface ServiceAccountServiceDeps {
  readonly authority: Authority;
  readonly writer: ServiceWriter;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
}

export class ServiceAccountService implements MachineAccounts {
  readonly #accounts: MachineAccountSecrets;

  constructor(private readonly deps: ServiceAccountServiceDeps) {
    this.#accounts = new MachineAccountSecrets('service', {
      ...deps,
      require: (name) => this.#require(name),
    });
  }

  async list(caller: Caller): Promise<ServiceView[]> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    const view = this.#view();
    return this.deps.authority.snapshot.services.map((s) => view.service(s));
  }

  async show(caller: Caller, name: string): Promise<ServiceView> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    return this.#view().service(this.#require(name));
  }

  async create(caller: Caller, input: CreateServiceInput): Promise<ServiceView & { secret?: string }> {
    requireAdmin(caller);
    checkName('service', input.name);
    await this.deps.authority.refresh();
    if (this.deps.authority.credential(input.name))
      throw new Conflict(`the name "${input.name}" is already taken`);
    const generated = input.secret === undefined ? generateSecret() : undefined;
    await this.deps.writer.upsert(
      {
        name: input.name,
        app: input.app ?? null,
        secretHash: hashSecret(input.secret ?? generated!),
        disabled: input.disabled ?? false,
      },
      { conflict: `the name "${input.name}" is already taken` },
    );
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'service.create',
      target: `service:${input.name}`,
      details: { app: input.app ?? null, generatedSecret: generated !== undefined },
    });
    return {
      ...this.#view().service(this.#require(input.name)),
      ...(generated ? { secret: generated } : {}),
    };
  }

  async update(caller: Caller, name: string, input: UpdateServiceInput): Promise<ServiceView> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    this.#require(name);
    await this.deps.writer.upsert({ name, ...input });
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'service.update',
      target: `service:${name}`,
      details: { ...input },
    });
    return this.#view().service(this.#require(name));
  }

  regenerate(caller: Caller, name: string): Promise<RegeneratedSecret> {
    return this.#accounts.regenerate(caller, name);
  }

  remove(caller: Caller, name: string): Promise<void> {
    return this.#accounts.remove(caller, name);
  }

  /**
   * A service the configuration file declares. The secret is re-hashed only when it changed,
   * so a restart does not end refresh tokens. Not audited; the caller announces the change.
   */
  async declare(service: {
    readonly name: string;
    readonly app?: string | undefined;
    readonly secret: string;
    readonly disabled?: boolean | undefined;
  }): Promise<Upserted> {
    return this.deps.writer.upsert({
      name: service.name,
      app: service.app ?? null,
      secretHash: await this.#accounts.declaredSecretHash(service.name, service.secret),
      disabled: service.disabled ?? false,
    });
  }

  #view(): ModelView {
    return new ModelView(this.deps.authority.snapshot);
  }

  #require(name: string): Service {
    const principal = this.deps.authority.principalByName('service', name);
    if (principal?.kind !== 'service') throw new NotFound(`no service named "${name}"`);
    return principal.service;
  }
}
