/**
 * Registries. Administrators manage every registry. Managers (DockerRegistriesManager, in a
 * responsible group of the registry) may list, view and update the registries they are
 * responsible for; in `mode: public` any enabled user may create a registry, and the
 * creator's primary group becomes a responsible and a publication group of it.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import { checkName } from '../domain/entity-names.ts';
import { BadRequest, Conflict, Denied, NotFound } from '../domain/errors.ts';
import { isAdministrator, type Registry } from '../domain/model.ts';
import { registryBaseUrl } from '../domain/registry-address.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { Upserted } from '../store/writers/model-change.ts';
import type { RegistryPatch, RegistryWriter } from '../store/writers/registry-writer.ts';
import type { Authority } from './authority.ts';
import {
  holdsManager,
  managesRegistry,
  requireAuthenticated,
  requireRegistryManager,
  requireSomeRegistryManager,
} from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';
import { ModelView, type RegistryView } from './views.ts';

export interface UpdateRegistryInput {
  readonly url?: string | undefined;
  readonly insecure?: boolean | undefined;
  readonly restricted?: boolean | undefined;
  readonly publications?: readonly string[] | undefined;
  readonly responsibles?: readonly string[] | undefined;
  /** Seconds between discovery runs; null: the default. */
  readonly sync_interval?: number | null | undefined;
}

export interface CreateRegistryInput extends UpdateRegistryInput {
  /** REGISTRY_AUTH_TOKEN_SERVICE, the token audience. */
  readonly service: string;
  readonly url: string;
}

export interface RegistryServiceDeps {
  readonly authority: Authority;
  readonly writer: RegistryWriter;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
  /** Purser's own token issuer name: the audience of its API, so no registry may take it. */
  readonly issuer: string;
}

export class RegistryService {
  constructor(private readonly deps: RegistryServiceDeps) {}

  /** The registries the caller manages (administrators: all). */
  async list(caller: Caller): Promise<RegistryView[]> {
    const principal = requireAuthenticated(caller);
    const mode = this.deps.authority.snapshot.mode;
    if (!isAdministrator(principal) && !(principal.kind === 'user' && holdsManager(principal.user, mode)))
      throw new Denied('only administrators and registry managers may list registries');
    await this.deps.authority.refresh();
    const snapshot = this.deps.authority.snapshot;
    return this.#render(snapshot.registries.filter((r) => managesRegistry(principal, r, snapshot.mode)));
  }

  async show(caller: Caller, service: string): Promise<RegistryView> {
    requireSomeRegistryManager(caller, this.deps.authority.snapshot.mode);
    await this.deps.authority.refresh();
    const registry = this.require(service);
    requireRegistryManager(caller, registry, this.deps.authority.snapshot.mode);
    return (await this.#render([registry]))[0]!;
  }

  async create(caller: Caller, input: CreateRegistryInput): Promise<RegistryView> {
    const principal = requireAuthenticated(caller);
    const publicMode = this.deps.authority.snapshot.mode === 'public';
    if (!isAdministrator(principal) && !(publicMode && principal.kind === 'user' && !principal.user.disabled))
      throw new Denied('only administrators may create registries');
    if (input.service === this.deps.issuer)
      throw new BadRequest(
        `body.service: "${input.service}" is Purser's own issuer name (the API audience); choose another`,
      );
    checkName('registry', input.service);
    await this.deps.authority.refresh();
    if (this.deps.authority.registry(input.service))
      throw new Conflict(`registry "${input.service}" already exists`);
    let publications = input.publications ?? [];
    let responsibles = input.responsibles ?? [];
    if (publicMode && principal.kind === 'user') {
      const primaryId = principal.user.groups[0];
      const primary = this.deps.authority.snapshot.groups.find((g) => g.id === primaryId)?.name;
      if (primary) {
        if (!publications.includes(primary)) publications = [...publications, primary];
        if (!responsibles.includes(primary)) responsibles = [...responsibles, primary];
      }
    }
    await this.deps.writer.upsert(
      {
        service: input.service,
        url: registryBaseUrl(input.url),
        insecure: input.insecure ?? false,
        restricted: input.restricted ?? false,
        publications,
        responsibles,
        syncInterval: input.sync_interval ?? null,
      },
      { conflict: `registry "${input.service}" already exists` },
    );
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'registry.create',
      target: `registry:${input.service}`,
      service: input.service,
      details: { ...input, publications, responsibles },
    });
    return (await this.#render([this.require(input.service)]))[0]!;
  }

  /** Administrators and the registry's managers. */
  async update(caller: Caller, service: string, input: UpdateRegistryInput): Promise<RegistryView> {
    requireSomeRegistryManager(caller, this.deps.authority.snapshot.mode);
    await this.deps.authority.refresh();
    requireRegistryManager(caller, this.require(service), this.deps.authority.snapshot.mode);
    await this.deps.writer.upsert({
      service,
      url: input.url === undefined ? undefined : registryBaseUrl(input.url),
      insecure: input.insecure,
      restricted: input.restricted,
      publications: input.publications,
      responsibles: input.responsibles,
      syncInterval: input.sync_interval,
    });
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'registry.update',
      target: `registry:${service}`,
      service,
      details: { ...input },
    });
    return (await this.#render([this.require(service)]))[0]!;
  }

  /** Administrators only. */
  async remove(caller: Caller, service: string): Promise<void> {
    const principal = requireAuthenticated(caller);
    if (!isAdministrator(principal)) throw new Denied('only administrators may delete registries');
    await this.deps.writer.delete(service);
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'registry.delete',
      target: `registry:${service}`,
      service,
    });
  }

  /** A registry the configuration file declares (not audited; the caller announces the change). */
  declare(registry: RegistryPatch): Promise<Upserted> {
    return this.deps.writer.upsert(
      registry.url === undefined ? registry : { ...registry, url: registryBaseUrl(registry.url) },
    );
  }

  /** The registry, from the current snapshot, or NotFound. */
  require(service: string): Registry {
    const found = this.deps.authority.registry(service);
    if (!found) throw new NotFound(`no registry with service "${service}"`);
    return found;
  }

  async #render(registries: readonly Registry[]): Promise<RegistryView[]> {
    const intervals = registries.length > 0 ? await this.deps.writer.syncIntervals() : new Map();
    const view = new ModelView(this.deps.authority.snapshot);
    return registries.map((r) => view.registry(r, intervals.get(r.service) ?? null));
  }
}
