/**
 * The access review: who can do something on a registry, what a principal can do, what a
 * change of rules or configuration would alter, and the periodic report. Administrators may
 * ask about every registry, managers responsible for a registry about that one; the others
 * are refused before any registry is looked up, so they cannot tell which exist.
 *
 * Every answer is computed on the authority's current model by the policy's review functions,
 * which ask the engine /token decides with (policy/who-can.ts, what-can.ts, access-matrix.ts).
 */
import crypto from 'node:crypto';
import { BadRequest, ConfigInvalid, Denied, NotFound } from '../domain/errors.ts';
import { isAdministrator, type PrincipalKind, type Registry } from '../domain/model.ts';
import {
  type AccessChange,
  AccessModel,
  type AccessRule,
  accessMatrix,
  diffAccess,
  findPrincipal,
  type PrincipalAccess,
  parseScopePattern,
  reviewPrincipals,
  validateRules,
  type WhoCanEntry,
  whatCan,
  whoCan,
} from '../policy/index.ts';
import type { AccessReport, GroupSummary } from './access-report.ts';
import type { Authority } from './authority.ts';
import { managesRegistry, requireAuthenticated, requireSomeRegistryManager } from './authorization.ts';
import type { Caller } from './caller.ts';
import { type DeclaredObjects, overlayDeclared } from './declared-overlay.ts';

export interface WhoCanResult {
  readonly registry: string;
  readonly scope: string;
  readonly principals: WhoCanEntry[];
}

/** A proposed change: a new rule list, or a configuration file's declared objects. */
export type ProposedChange =
  | { readonly rules: unknown }
  | { readonly declared: DeclaredObjects; readonly mode?: 'private' | 'public' | undefined };

type ModelInput = ReturnType<typeof overlayDeclared>;

export interface DiffResult {
  readonly changes: AccessChange[];
}

export class AccessReviewService {
  constructor(private readonly deps: { readonly authority: Authority; readonly now?: () => number }) {}

  async whoCan(
    caller: Caller,
    query: { scope: string; registry: string; source?: string | undefined },
  ): Promise<WhoCanResult> {
    const registry = await this.#managedRegistry(caller, query.registry);
    const scope = parseScopePattern(query.scope);
    const principals = whoCan(this.deps.authority.model, registry, scope, this.#options(query.source));
    return { registry: registry.service, scope: query.scope, principals };
  }

  async whatCan(
    caller: Caller,
    query: { principal: string; kind?: PrincipalKind | undefined; registry?: string | undefined },
  ): Promise<PrincipalAccess> {
    const registries = query.registry
      ? [await this.#managedRegistry(caller, query.registry)]
      : await this.#managedRegistries(caller);
    const model = this.deps.authority.model;
    const principal = this.#principal(query.principal, query.kind);
    return whatCan(model, principal, registries, this.#options());
  }

  async diff(caller: Caller, proposal: ProposedChange): Promise<DiffResult> {
    const managed = new Set((await this.#managedRegistries(caller)).map((r) => r.service));
    const { authority } = this.deps;
    const before = authority.model;
    const current = this.#modelInput();
    let input: ModelInput;
    if ('rules' in proposal) {
      const problems = validateRules(proposal.rules);
      if (!Array.isArray(proposal.rules)) throw new BadRequest('rules: must be a list of rules');
      if (problems.length > 0) throw new ConfigInvalid(problems);
      input = { ...current, rules: proposal.rules };
    } else {
      input = overlayDeclared(current, proposal.declared, proposal.mode ?? current.mode);
    }
    const after = new AccessModel({ ...input, rules: input.rules as AccessRule[] });
    const changes = diffAccess(before, after, this.#options()).filter((c) => managed.has(c.registry));
    return { changes };
  }

  async report(caller: Caller, query: { registry: string }): Promise<AccessReport> {
    const registry = await this.#managedRegistry(caller, query.registry);
    const { authority } = this.deps;
    const model = authority.model;
    const options = this.#options();
    const rows = accessMatrix(model, registry, options);
    const members = new Map<number, string[]>();
    for (const p of reviewPrincipals(model, options.now)) {
      if (p.principal.kind !== 'user') continue;
      for (const id of p.principal.user.groups) {
        const list = members.get(id);
        if (list) list.push(p.name);
        else members.set(id, [p.name]);
      }
    }
    const groups: GroupSummary[] = [];
    for (const group of [...model.groups.byId.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const names = (members.get(group.id) ?? []).sort();
      if (names.length === 0) continue;
      const inGroup = new Set(names);
      const counts = new Map<string, { namespace: string; actions: string[]; members: number }>();
      for (const row of rows) {
        if (row.kind !== 'user' || !inGroup.has(row.name)) continue;
        const key = `${row.namespace}\u0000${row.actions.join(',')}`;
        const entry = counts.get(key);
        if (entry) entry.members++;
        else counts.set(key, { namespace: row.namespace, actions: row.actions, members: 1 });
      }
      groups.push({ group: group.name, members: names, namespaces: [...counts.values()] });
    }
    return {
      registry: registry.service,
      generatedAt: new Date(options.now).toISOString(),
      modelVersion: authority.snapshot.version,
      configDigest: this.configDigest(),
      mode: model.mode,
      signingKeys: authority.ring.all.map((k) => ({ kid: k.key.kid, state: k.state })),
      principals: reviewPrincipals(model, options.now).length,
      rows,
      groups,
    };
  }

  /** `sha256:<hex>` of the access model as stored (users, groups, apps, services, robots, registries, rules, mode). */
  configDigest(): string {
    const hash = crypto.createHash('sha256').update(stableJson(this.#modelInput())).digest('hex');
    return `sha256:${hash}`;
  }

  #modelInput(): ModelInput {
    const s = this.deps.authority.snapshot;
    return {
      mode: s.mode,
      groups: s.groups,
      users: s.users,
      apps: s.apps,
      services: s.services,
      robots: s.robots,
      registries: s.registries,
      rules: s.rules,
    };
  }

  #options(source?: string): { now: number; sourceAddress?: string } {
    const now = this.deps.now?.() ?? Date.now();
    return source === undefined ? { now } : { now, sourceAddress: source };
  }

  async #managedRegistry(caller: Caller, service: string): Promise<Registry> {
    const { authority } = this.deps;
    requireSomeRegistryManager(caller, authority.snapshot.mode);
    await authority.refresh();
    const registry = authority.registry(service);
    if (!registry) throw new NotFound(`no registry with service "${service}" (see purser registry list)`);
    if (!managesRegistry(requireAuthenticated(caller), registry, authority.snapshot.mode))
      throw new Denied(
        `only administrators and managers responsible for ${registry.service} may review its access`,
      );
    return registry;
  }

  /** Every registry for an administrator; a manager's own ones (Denied when none). */
  async #managedRegistries(caller: Caller): Promise<Registry[]> {
    const { authority } = this.deps;
    requireSomeRegistryManager(caller, authority.snapshot.mode);
    await authority.refresh();
    const principal = requireAuthenticated(caller);
    const all = [...authority.snapshot.registries].sort((a, b) => (a.service < b.service ? -1 : 1));
    if (isAdministrator(principal)) return all;
    const mine = all.filter((r) => managesRegistry(principal, r, authority.snapshot.mode));
    if (mine.length === 0)
      throw new Denied('only administrators and managers responsible for a registry may review access');
    return mine;
  }

  #principal(name: string, kind: PrincipalKind | undefined) {
    const model = this.deps.authority.model;
    if (kind === 'anonymous' || (kind === undefined && name === 'anonymous' && !model.users.byName.has(name)))
      return findPrincipal(model, 'anonymous', 'anonymous')!;
    const kinds: PrincipalKind[] = kind ? [kind] : ['user', 'service', 'robot'];
    for (const k of kinds) {
      const found = findPrincipal(model, k, name);
      if (found) return found;
    }
    throw new NotFound(`no ${kind ?? 'user, service or robot'} named "${name}"`);
  }
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
