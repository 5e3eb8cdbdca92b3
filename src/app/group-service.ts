/** Groups (administrators only): created explicitly, or as soon as something names them. */
import type { AuditSink } from '../audit/audit-entry.ts';
import { checkName } from '../domain/entity-names.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import type { Group } from '../domain/model.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { GroupWriter } from '../store/writers/group-writer.ts';
import type { Upserted } from '../store/writers/model-change.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';
import { type GroupView, ModelView } from './views.ts';

export interface GroupServiceDeps {
  readonly authority: Authority;
  readonly writer: GroupWriter;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
  /** The identity sources whose group mapping names `group` (such a group is not deleted). */
  readonly mappedBy?: ((group: string) => readonly string[]) | undefined;
}

export class GroupService {
  constructor(private readonly deps: GroupServiceDeps) {}

  async list(caller: Caller): Promise<GroupView[]> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    const view = this.#view();
    return this.deps.authority.snapshot.groups.map((g) => view.group(g));
  }

  async show(caller: Caller, name: string): Promise<GroupView> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    return this.#view().group(this.#require(name));
  }

  async create(caller: Caller, input: { readonly name: string; readonly id?: number | undefined }) {
    requireAdmin(caller);
    checkName('group', input.name);
    await this.deps.authority.refresh();
    if (this.#find(input.name)) throw new Conflict(`group "${input.name}" already exists`);
    await this.deps.writer.upsert(input.name, input.id, {
      conflict: `group "${input.name}" already exists`,
    });
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'group.create',
      target: `group:${input.name}`,
      details: { id: input.id },
    });
    return this.#view().group(this.#require(input.name));
  }

  /** Refused while an identity source's mapping names it: the next start would refuse that. */
  async remove(caller: Caller, name: string): Promise<void> {
    requireAdmin(caller);
    const sources = this.deps.mappedBy?.(name) ?? [];
    if (sources.length > 0)
      throw new Conflict(
        `group "${name}" is named by the group mapping of identity source ${sources.join(', ')}: remove it there first`,
      );
    await this.deps.writer.delete(name);
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, { action: 'group.delete', target: `group:${name}` });
  }

  /** A group the configuration file declares (not audited; the caller announces the change). */
  declare(group: { readonly name: string; readonly id?: number | undefined }): Promise<Upserted> {
    return this.deps.writer.upsert(group.name, group.id);
  }

  #view(): ModelView {
    return new ModelView(this.deps.authority.snapshot);
  }

  #find(name: string): Group | undefined {
    return this.deps.authority.snapshot.groups.find((g) => g.name === name);
  }

  #require(name: string): Group {
    const group = this.#find(name);
    if (!group) throw new NotFound(`no group named "${name}"`);
    return group;
  }
}
