/**
 * An immutable, indexed snapshot of everything the policy needs: users, groups, apps,
 * services, robots, registries, custom rules and the access mode.
 *
 * Indexes are built once, so a decision costs a few hash lookups and never depends on how
 * many repositories exist (the policy never enumerates repositories). Build a new model when
 * the data changes and swap it into the AccessController.
 */
import { ConfigInvalid } from '../domain/errors.ts';
import {
  type AccessMode,
  type App,
  type Group,
  isAllDigits,
  type Principal,
  type Registry,
  type Robot,
  type Service,
  type User,
} from '../domain/model.ts';
import { joinGroupNames } from './matchers.ts';
import { type AccessRule, type CompiledRule, compileRules, validateRules } from './rule.ts';

export interface AccessModelInput {
  readonly users?: readonly User[];
  readonly groups?: readonly Group[];
  readonly apps?: readonly App[];
  readonly services?: readonly Service[];
  readonly robots?: readonly Robot[];
  readonly registries?: readonly Registry[];
  readonly rules?: readonly AccessRule[];
  /** `public`: every user holds all three privileges. Default `private`. */
  readonly mode?: AccessMode;
}

/** A registry or an app with its group lists as sets. */
export interface GroupedView<T> {
  readonly subject: T;
  readonly publications: ReadonlySet<number>;
  readonly responsibles: ReadonlySet<number>;
}

export interface Named {
  readonly id: number;
  readonly name: string;
}

/** Items by numeric id and by name. */
export class NamedIndex<T extends Named> {
  readonly byId = new Map<number, T>();
  readonly byName = new Map<string, T>();

  constructor(kind: string, items: readonly T[], problems: string[]) {
    for (const item of items) {
      if (this.byId.has(item.id)) problems.push(`${kind}: duplicate id ${item.id}`);
      if (this.byName.has(item.name)) problems.push(`${kind}: duplicate name "${item.name}"`);
      this.byId.set(item.id, item);
      this.byName.set(item.name, item);
    }
  }

  /** By numeric id when `key` is all digits, by name otherwise. */
  resolve(key: string): T | undefined {
    return isAllDigits(key) ? this.byId.get(Number(key)) : this.byName.get(key);
  }
}

export class AccessModel {
  readonly mode: AccessMode;
  readonly rules: readonly CompiledRule[];
  readonly users: NamedIndex<User>;
  readonly groups: NamedIndex<Group>;
  readonly apps: NamedIndex<App>;
  readonly services: NamedIndex<Service>;
  readonly robots: NamedIndex<Robot>;
  readonly #registriesById = new Map<number, GroupedView<Registry>>();
  readonly #registriesByService = new Map<string, Registry>();
  readonly #appViews = new Map<number, GroupedView<App>>();
  readonly #foreignRegistries = new WeakMap<Registry, GroupedView<Registry>>();
  readonly #groupNames = new WeakMap<readonly number[], string>();

  /** Throws ConfigInvalid listing every problem (bad rules, duplicate ids or names). */
  constructor(input: AccessModelInput = {}) {
    const problems = validateRules(input.rules);
    this.mode = input.mode ?? 'private';
    if (this.mode !== 'private' && this.mode !== 'public')
      problems.push(`mode: must be "private" or "public"`);
    this.users = new NamedIndex('users', input.users ?? [], problems);
    this.groups = new NamedIndex('groups', input.groups ?? [], problems);
    this.apps = new NamedIndex('apps', input.apps ?? [], problems);
    this.services = new NamedIndex('services', input.services ?? [], problems);
    this.robots = new NamedIndex('robots', input.robots ?? [], problems);
    for (const registry of input.registries ?? []) {
      if (this.#registriesByService.has(registry.service))
        problems.push(`registries: duplicate service "${registry.service}"`);
      if (this.#registriesById.has(registry.id)) problems.push(`registries: duplicate id ${registry.id}`);
      this.#registriesByService.set(registry.service, registry);
      this.#registriesById.set(registry.id, grouped(registry));
    }
    if (problems.length > 0) throw new ConfigInvalid(problems);
    for (const app of input.apps ?? []) this.#appViews.set(app.id, grouped(app));
    this.rules = Object.freeze(compileRules(input.rules ?? [], (key) => this.groups.resolve(key)?.id));
    Object.freeze(this);
  }

  registryByService(service: string): Registry | undefined {
    return this.#registriesByService.get(service);
  }

  registries(): Registry[] {
    return [...this.#registriesById.values()].map((view) => view.subject);
  }

  /** The registry's group sets; works for a registry object that is not in the model too. */
  registryView(registry: Registry): GroupedView<Registry> {
    const known = this.#registriesById.get(registry.id);
    if (known && known.subject === registry) return known;
    let view = this.#foreignRegistries.get(registry);
    if (!view) {
      view = grouped(registry);
      this.#foreignRegistries.set(registry, view);
    }
    return view;
  }

  appView(appId: number): GroupedView<App> | undefined {
    return this.#appViews.get(appId);
  }

  /** `dev`, or `#12` for a group id the model does not know. */
  groupName(id: number): string {
    return this.groups.byId.get(id)?.name ?? `#${id}`;
  }

  groupNames(ids: Iterable<number>): string[] {
    return [...ids].map((id) => this.groupName(id));
  }

  /** The user's group names joined for placeholder globs (cached per groups array). */
  joinedGroupNames(user: User): string {
    let joined = this.#groupNames.get(user.groups);
    if (joined === undefined) {
      joined = joinGroupNames(user.groups.map((id) => this.groupName(id)));
      this.#groupNames.set(user.groups, joined);
    }
    return joined;
  }

  /**
   * The principal an account name denotes, for `purser explain --account`: a user first, then
   * a service, then a robot; `''` or `anonymous` (when no such user exists) is anonymous.
   */
  principalFor(account: string): Principal | undefined {
    const user = this.users.byName.get(account);
    if (user) return { kind: 'user', user };
    const service = this.services.byName.get(account);
    if (service) return { kind: 'service', service };
    const robot = this.robots.byName.get(account);
    if (robot) return { kind: 'robot', robot };
    if (account === '' || account === 'anonymous') return { kind: 'anonymous' };
    return undefined;
  }
}

function grouped<
  T extends { readonly publications: readonly number[]; readonly responsibles: readonly number[] },
>(subject: T): GroupedView<T> {
  return Object.freeze({
    subject,
    publications: new Set(subject.publications),
    responsibles: new Set(subject.responsibles),
  });
}
