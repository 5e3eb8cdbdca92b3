/** Applications (administrators only): publication and responsible groups by name. */
import type { AuditSink } from '../audit/audit-entry.ts';
import { checkName } from '../domain/entity-names.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import type { App } from '../domain/model.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { AppPatch, AppWriter } from '../store/writers/app-writer.ts';
import type { Upserted } from '../store/writers/model-change.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';
import { type AppView, ModelView } from './views.ts';

export interface AppGroupsInput {
  readonly publications?: readonly string[] | undefined;
  readonly responsibles?: readonly string[] | undefined;
}

export interface CreateAppInput extends AppGroupsInput {
  readonly name: string;
  readonly id?: number | undefined;
}

export interface AppServiceDeps {
  readonly authority: Authority;
  readonly writer: AppWriter;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
}

export class AppService {
  constructor(private readonly deps: AppServiceDeps) {}

  async list(caller: Caller): Promise<AppView[]> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    const view = this.#view();
    return this.deps.authority.snapshot.apps.map((a) => view.app(a));
  }

  async show(caller: Caller, name: string): Promise<AppView> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    return this.#view().app(this.#require(name));
  }

  async create(caller: Caller, input: CreateAppInput): Promise<AppView> {
    requireAdmin(caller);
    checkName('app', input.name);
    await this.deps.authority.refresh();
    if (this.#find(input.name)) throw new Conflict(`app "${input.name}" already exists`);
    await this.deps.writer.upsert(
      {
        name: input.name,
        id: input.id,
        publications: input.publications ?? [],
        responsibles: input.responsibles ?? [],
      },
      { conflict: `app "${input.name}" already exists` },
    );
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'app.create',
      target: `app:${input.name}`,
      details: { ...input },
    });
    return this.#view().app(this.#require(input.name));
  }

  async update(caller: Caller, name: string, input: AppGroupsInput): Promise<AppView> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    this.#require(name);
    await this.deps.writer.upsert({ name, ...input });
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'app.update',
      target: `app:${name}`,
      details: { ...input },
    });
    return this.#view().app(this.#require(name));
  }

  /** Its services keep working, without an app. */
  async remove(caller: Caller, name: string): Promise<void> {
    requireAdmin(caller);
    await this.deps.writer.delete(name);
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, { action: 'app.delete', target: `app:${name}` });
  }

  /** An app the configuration file declares (not audited; the caller announces the change). */
  declare(app: AppPatch): Promise<Upserted> {
    return this.deps.writer.upsert(app);
  }

  #view(): ModelView {
    return new ModelView(this.deps.authority.snapshot);
  }

  #find(name: string): App | undefined {
    return this.deps.authority.snapshot.apps.find((a) => a.name === name);
  }

  #require(name: string): App {
    const app = this.#find(name);
    if (!app) throw new NotFound(`no app named "${name}"`);
    return app;
  }
}
