/**
 * Users bound to an identity source (LDAP, RADIUS, OIDC): created at their first login, their
 * groups and privileges refreshed from the source's mappings, disabled when the source no longer
 * holds them, their sessions ended before a new CLI secret. The same UserWriter as the user
 * service (users have one writer per aggregate); these changes are made by the system, not by a
 * caller, and are audited as `system`.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import { nameProblem } from '../domain/entity-names.ts';
import type { User } from '../domain/model.ts';
import type { MappedAccess } from '../identity/group-mapping.ts';
import type { ExternalIdentity } from '../identity/identity-source.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { UserWriter } from '../store/writers/user-writer.ts';
import type { Authority } from './authority.ts';
import { ModelView } from './views.ts';

/** A person as an identity source vouched for them, and what the source's mappings give them. */
export interface ExternalBinding {
  readonly identity: ExternalIdentity;
  readonly access: MappedAccess;
}

export interface ExternalUserDeps {
  readonly authority: Authority;
  readonly writer: UserWriter;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
}

export class ExternalUsers {
  constructor(private readonly deps: ExternalUserDeps) {}

  /**
   * Creates or refreshes the Purser user a person authenticated by an identity source is bound
   * to: created at the first login (no password: only the source can vouch for them), groups and
   * privileges replaced by what the mappings give at every later login and sync. Written only
   * when something changed, so a login does not move the model version. Refused (false) for a
   * local account, a user bound to another source, or another person of the same source (a
   * different entry DN or subject): a source never takes an account over. Audited as `system`.
   */
  async bindExternal(binding: ExternalBinding): Promise<'created' | 'updated' | 'unchanged' | 'refused'> {
    const authority = this.deps.authority;
    const { identity, access } = binding;
    const name = identity.username;
    if (nameProblem('user', name) !== undefined) return 'refused';
    const record = authority.credential(name);
    const existing = this.#find(name);
    if (record && (record.kind !== 'user' || record.source !== identity.source)) return 'refused';
    if (existing && record) {
      const external = await this.deps.writer.externalId(name);
      if (external !== null && external !== identity.externalId) return 'refused';
      const groups = new ModelView(authority.snapshot).groupNames(existing.groups);
      const same =
        sameList(groups, access.groups) &&
        sameList(existing.privileges, access.privileges) &&
        external !== null;
      if (same) return 'unchanged';
    }
    const result = await this.deps.writer.upsert({
      name,
      ...(existing ? {} : { passwordHash: null, admin: false, disabled: false }),
      groups: access.groups,
      privileges: access.privileges,
      source: identity.source,
      externalId: identity.externalId,
    });
    await this.deps.changes.notify();
    void this.deps.audit.record({
      action: result === 'created' ? 'user.create' : 'user.update',
      actor: 'system',
      actorKind: 'system',
      outcome: 'success',
      target: `user:${name}`,
      details: { source: identity.source, groups: [...access.groups], privileges: [...access.privileges] },
    });
    return result;
  }

  /** True when `name` is a user bound to the identity source `source`. */
  isBoundTo(name: string, source: string): boolean {
    const record = this.deps.authority.credential(name);
    return record?.kind === 'user' && record.source === source;
  }

  /** Ends a user's sessions and CLI secret before a new CLI secret is issued (not audited here). */
  async endSessions(name: string): Promise<void> {
    await this.deps.writer.endSessions(name);
    await this.deps.changes.notify();
  }

  /** Disables a user bound to `source` that the source no longer knows (`purser identity sync`). */
  async disableBound(name: string, source: string): Promise<void> {
    if (this.deps.authority.credential(name)?.source !== source) return;
    await this.deps.writer.upsert({ name, disabled: true });
    await this.deps.changes.notify();
    void this.deps.audit.record({
      action: 'user.disable',
      actor: 'system',
      actorKind: 'system',
      outcome: 'success',
      target: `user:${name}`,
      details: { source, reason: 'no longer in the identity source' },
    });
  }

  #find(name: string): User | undefined {
    const principal = this.deps.authority.principalByName('user', name);
    return principal?.kind === 'user' ? principal.user : undefined;
  }
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
