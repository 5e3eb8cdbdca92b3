/**
 * The access model a configuration file would leave behind, without applying it: the
 * current model with the file's declared objects laid over it the way `config/apply.ts`
 * declares them at start (create or update by name, lists replaced, missing groups created,
 * rules replaced when the file has `rules`, objects the file does not name left alone). For
 * `purser access diff --config` and `purser config check`.
 */
import { parseExpiry } from '../domain/expiry.ts';
import type { AccessMode, App, Group, Privilege, Registry, Robot, Service, User } from '../domain/model.ts';
import { normalizePrivilege } from '../domain/privilege.ts';
import type { AccessModelInput } from '../policy/index.ts';

/** The declared objects of a configuration file (`Config.declared`), as far as access goes. */
export interface DeclaredObjects {
  readonly groups?: readonly { readonly name: string; readonly id?: number | undefined }[] | undefined;
  readonly users?:
    | readonly {
        readonly name: string;
        readonly id?: number | undefined;
        readonly groups?: readonly string[] | undefined;
        readonly privileges?: readonly string[] | undefined;
        readonly admin?: boolean | undefined;
        readonly disabled?: boolean | undefined;
      }[]
    | undefined;
  readonly apps?:
    | readonly {
        readonly name: string;
        readonly id?: number | undefined;
        readonly publications?: readonly string[] | undefined;
        readonly responsibles?: readonly string[] | undefined;
      }[]
    | undefined;
  readonly services?:
    | readonly {
        readonly name: string;
        readonly app?: string | undefined;
        readonly disabled?: boolean | undefined;
      }[]
    | undefined;
  readonly robots?:
    | readonly {
        readonly name: string;
        readonly repositories: readonly string[];
        readonly permission: Robot['permission'];
        readonly expires?: string | null | undefined;
        readonly disabled?: boolean | undefined;
      }[]
    | undefined;
  readonly registries?:
    | readonly {
        readonly service: string;
        readonly url: string;
        readonly insecure?: boolean | undefined;
        readonly restricted?: boolean | undefined;
        readonly publications?: readonly string[] | undefined;
        readonly responsibles?: readonly string[] | undefined;
      }[]
    | undefined;
  readonly rules?: readonly unknown[] | undefined;
}

type Model = Required<Omit<AccessModelInput, 'rules'>> & { rules: readonly unknown[] };

export function overlayDeclared(current: Model, declared: DeclaredObjects, mode: AccessMode): Model {
  const groups = new Map<string, Group>(current.groups.map((g) => [g.name, g]));
  const nextId = (items: Iterable<{ id: number }>) => {
    let max = 0;
    for (const item of items) max = Math.max(max, item.id);
    return max + 1;
  };
  const groupIds = (names: readonly string[] | undefined) =>
    (names ?? []).map((name) => {
      let group = groups.get(name);
      if (!group) {
        group = { id: nextId(groups.values()), name };
        groups.set(name, group);
      }
      return group.id;
    });
  for (const g of declared.groups ?? []) {
    if (!groups.has(g.name)) groups.set(g.name, { id: g.id ?? nextId(groups.values()), name: g.name });
  }
  const users = byName(current.users);
  for (const u of declared.users ?? []) {
    const old = users.get(u.name);
    users.set(u.name, {
      id: old?.id ?? u.id ?? nextId(users.values()),
      name: u.name,
      groups: groupIds(u.groups),
      privileges: (u.privileges ?? []).map((p) => normalizePrivilege(p)).filter((p): p is Privilege => !!p),
      admin: u.admin ?? false,
      disabled: u.disabled ?? false,
    } satisfies User);
  }
  const apps = byName(current.apps);
  for (const a of declared.apps ?? []) {
    apps.set(a.name, {
      id: apps.get(a.name)?.id ?? a.id ?? nextId(apps.values()),
      name: a.name,
      publications: groupIds(a.publications),
      responsibles: groupIds(a.responsibles),
    } satisfies App);
  }
  const services = byName(current.services);
  for (const s of declared.services ?? []) {
    services.set(s.name, {
      id: services.get(s.name)?.id ?? nextId(services.values()),
      name: s.name,
      appId: s.app === undefined ? null : (apps.get(s.app)?.id ?? null),
      disabled: s.disabled ?? false,
    } satisfies Service);
  }
  const robots = byName(current.robots);
  for (const r of declared.robots ?? []) {
    robots.set(r.name, {
      id: robots.get(r.name)?.id ?? nextId(robots.values()),
      name: r.name,
      repositories: [...r.repositories],
      permission: r.permission,
      expiresAt: r.expires ? (parseExpiry(r.expires) ?? null) : null,
      disabled: r.disabled ?? false,
    } satisfies Robot);
  }
  const registries = new Map<string, Registry>(current.registries.map((r) => [r.service, r]));
  for (const r of declared.registries ?? []) {
    registries.set(r.service, {
      id: registries.get(r.service)?.id ?? nextId(registries.values()),
      service: r.service,
      url: r.url,
      insecure: r.insecure ?? false,
      restricted: r.restricted ?? false,
      publications: groupIds(r.publications),
      responsibles: groupIds(r.responsibles),
    });
  }
  return {
    mode,
    groups: [...groups.values()],
    users: [...users.values()],
    apps: [...apps.values()],
    services: [...services.values()],
    robots: [...robots.values()],
    registries: [...registries.values()],
    rules: declared.rules ?? current.rules,
  };
}

function byName<T extends { name: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.name, item]));
}
