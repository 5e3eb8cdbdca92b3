/**
 * The seed access model for repositories, per principal kind. Returns the *base* bits
 * (PULL, PUSH, DELETE) and whether delete follows push; the engine applies the derived
 * clauses (push implies pull, delete follows push) after custom rules.
 *
 * Users. The registry-level gate applies to every repository of R, whatever its prefix:
 *   pull needs DockerRegistriesPuller and published(U,R);
 *   push needs DockerRegistriesPusher and, when R is unrestricted, published(U,R), when R is
 *   restricted, responsible(U,R).
 * Then the prefix must also allow it:
 *   users/<U's id or name>/...   pull and push (nobody else);
 *   groups/<G's id or name>/...  pull and push for members of G;
 *   apps/<A's id or name>/...    pull for members of A's publication groups, push for members
 *                                of A's responsible groups;
 *   anything else                pull for members of R's publication groups, push for members
 *                                of R's responsible groups (on an unrestricted R a pusher thus
 *                                needs to be both published and responsible).
 * Services (no privileges, no registry gate): pull apps/<their app>/...; pull other prefixes
 *   when their app is published to one of R's publication groups; never users/ or groups/;
 *   never push.
 * Robots: only repositories matching one of their patterns; read = pull, write = pull+push,
 *   admin = pull+push+delete (robots' delete never follows push).
 * Anonymous: nothing.
 */
import type { Registry, Robot, Service, User } from '../domain/model.ts';
import { isAllDigits } from '../domain/model.ts';
import type { AccessModel, GroupedView } from './access-model.ts';
import type { SeedClause } from './decision.ts';
import { compileGlob, globMatches } from './matchers.ts';
import type { Namespace } from './namespace.ts';
import { DELETE, PULL, PUSH } from './rule.ts';

/** Flag bit: delete is allowed wherever push is. */
export const DELETE_FOLLOWS_PUSH = 16;

export interface SeedNote {
  readonly clause: SeedClause;
  /** The explanation after `pull allowed: ` / `push denied: `. */
  readonly text: string;
}

/** Filled in only when a decision is being explained. */
export interface SeedNotes {
  pull?: SeedNote;
  push?: SeedNote;
  delete?: SeedNote;
}

export interface SeedInput {
  readonly model: AccessModel;
  readonly registry: GroupedView<Registry>;
  readonly repository: string;
  readonly namespace: Namespace;
}

export function userSeed(input: SeedInput, user: User, notes?: SeedNotes): number {
  const { model, registry, namespace } = input;
  const R = registry.subject;
  const isPublic = model.mode === 'public';
  const hasPuller = isPublic || user.privileges.includes('DockerRegistriesPuller');
  const hasPusher = isPublic || user.privileges.includes('DockerRegistriesPusher');
  const published = firstIn(user.groups, registry.publications);
  const responsible = firstIn(user.groups, registry.responsibles);
  const gatePull = hasPuller && published >= 0;
  const gatePush = hasPusher && (R.restricted ? responsible >= 0 : published >= 0);
  let nsPull = false;
  let nsPush = false;
  let appGroups: GroupedView<unknown> | undefined;
  let appName = '';
  const owner = namespace.owner;
  switch (namespace.kind) {
    case 'users':
      nsPull = nsPush = isAllDigits(owner) ? user.id === Number(owner) : user.name === owner;
      break;
    case 'groups': {
      const group = model.groups.resolve(owner);
      nsPull = nsPush = group !== undefined && user.groups.includes(group.id);
      break;
    }
    case 'apps': {
      const app = model.apps.resolve(owner);
      appGroups = app && model.appView(app.id);
      appName = app?.name ?? owner;
      nsPull = appGroups !== undefined && firstIn(user.groups, appGroups.publications) >= 0;
      nsPush = appGroups !== undefined && firstIn(user.groups, appGroups.responsibles) >= 0;
      break;
    }
    case 'other':
      nsPull = published >= 0;
      nsPush = responsible >= 0;
      break;
  }
  const bits = (gatePull && nsPull ? PULL : 0) | (gatePush && nsPush ? PUSH : 0) | DELETE_FOLLOWS_PUSH;
  if (notes) {
    const u = user.name;
    const r = R.service;
    const g = (id: number) => model.groupName(id);
    const list = (ids: Iterable<number>) => `(${model.groupNames(ids).join(', ') || 'none'})`;
    const nsText = (action: 'pull' | 'push', allowed: boolean): SeedNote => {
      switch (namespace.kind) {
        case 'users':
          return allowed
            ? { clause: 'user-namespace', text: `users/${owner}/ is ${u}'s own namespace` }
            : {
                clause: 'user-namespace',
                text: `users/${owner}/ is the namespace of user ${owner}, not ${u}`,
              };
        case 'groups':
          return allowed
            ? {
                clause: 'group-namespace',
                text: `${u} is a member of group ${owner}, which owns groups/${owner}/`,
              }
            : model.groups.resolve(owner)
              ? { clause: 'group-namespace', text: `${u} is not a member of group ${owner}` }
              : { clause: 'group-namespace', text: `no group ${owner} exists` };
        case 'apps': {
          if (!appGroups) return { clause: 'app-namespace', text: `no app ${owner} exists` };
          const ids = action === 'pull' ? appGroups.publications : appGroups.responsibles;
          const kind = action === 'pull' ? 'published to' : 'responsible for';
          return allowed
            ? {
                clause: 'app-namespace',
                text: `${u} is in group ${g(firstIn(user.groups, ids))}, ${action === 'pull' ? `to which app ${appName} is published` : `responsible for app ${appName}`}`,
              }
            : {
                clause: 'app-namespace',
                text: `${u} is in none of the groups ${kind} app ${appName} ${list(ids)}`,
              };
        }
        default:
          return action === 'pull'
            ? {
                clause: 'registry-groups',
                text: `${u} is in group ${g(published)}, a publication group of ${r}`,
              }
            : allowed
              ? {
                  clause: 'registry-groups',
                  text: `${u} is in group ${g(responsible)}, a responsible group of ${r}`,
                }
              : {
                  clause: 'responsible',
                  text: `${u} is in none of ${r}'s responsible groups ${list(registry.responsibles)}`,
                };
      }
    };
    const gateText = (action: 'pull' | 'push') =>
      action === 'push' && R.restricted
        ? `may push to ${r} (responsible group ${g(responsible)})`
        : `may ${action} ${action === 'pull' ? 'from' : 'to'} ${r} (publication group ${g(published)})`;
    const note = (action: 'pull' | 'push', has: boolean, gate: boolean, ns: boolean): SeedNote => {
      const privilege = action === 'pull' ? 'DockerRegistriesPuller' : 'DockerRegistriesPusher';
      if (!has) return { clause: 'privilege', text: `${u} lacks the ${privilege} privilege` };
      if (!gate) {
        return action === 'push' && R.restricted
          ? {
              clause: 'responsible',
              text: `${r} is restricted and ${u} is in none of its responsible groups ${list(registry.responsibles)}`,
            }
          : {
              clause: 'publication',
              text: `${u} is in none of ${r}'s publication groups ${list(registry.publications)}`,
            };
      }
      const detail = nsText(action, ns);
      if (!ns || namespace.kind === 'other') return detail;
      return { clause: detail.clause, text: `${detail.text}, and ${u} ${gateText(action)}` };
    };
    notes.pull = note('pull', hasPuller, gatePull, nsPull);
    notes.push = note('push', hasPusher, gatePush, nsPush);
  }
  return bits;
}

export function serviceSeed(input: SeedInput, service: Service, notes?: SeedNotes): number {
  const { model, registry, namespace } = input;
  const s = `service ${service.name}`;
  if (namespace.kind === 'users' || namespace.kind === 'groups') {
    if (notes) {
      const note: SeedNote = {
        clause: 'service-never',
        text: `services never access ${namespace.kind}/ repositories`,
      };
      notes.pull = note;
      notes.push = note;
    }
    return DELETE_FOLLOWS_PUSH;
  }
  const app = service.appId === null ? undefined : model.apps.byId.get(service.appId);
  let pull = false;
  let text: string;
  if (!app) {
    text =
      service.appId === null
        ? `${s} belongs to no application`
        : `${s}'s application #${service.appId} does not exist`;
  } else if (namespace.kind === 'apps') {
    pull = model.apps.resolve(namespace.owner)?.id === app.id;
    text = pull
      ? `${s} belongs to app ${app.name}`
      : `${s} belongs to app ${app.name}, not ${namespace.owner}`;
  } else {
    const view = model.appView(app.id)!;
    const shared = firstIn(view.subject.publications, registry.publications);
    pull = shared >= 0;
    const r = registry.subject.service;
    text = pull
      ? `${s} belongs to app ${app.name}, published to group ${model.groupName(shared)}, a publication group of ${r}`
      : `${s}'s app ${app.name} is published to none of ${r}'s publication groups (${model.groupNames(registry.publications).join(', ') || 'none'})`;
  }
  if (notes) {
    notes.pull = { clause: 'service-app', text };
    notes.push = { clause: 'service-never', text: 'services never push' };
  }
  return (pull ? PULL : 0) | DELETE_FOLLOWS_PUSH;
}

export function robotSeed(input: SeedInput, robot: Robot, notes?: SeedNotes): number {
  let pattern: string | undefined;
  for (const candidate of robot.repositories) {
    if (globMatches(compileGlob(candidate), input.repository)) {
      pattern = candidate;
      break;
    }
  }
  const b = `robot ${robot.name}`;
  if (pattern === undefined) {
    if (notes) {
      const list = robot.repositories.join(', ') || 'no repositories';
      const note: SeedNote = { clause: 'robot-repositories', text: `${b} may only access ${list}` };
      notes.pull = notes.push = notes.delete = note;
    }
    return 0;
  }
  const permission = robot.permission;
  const bits = permission === 'admin' ? PULL | PUSH | DELETE : permission === 'write' ? PULL | PUSH : PULL;
  if (notes) {
    const has = `${b} has ${permission} permission on ${pattern}`;
    notes.pull = { clause: 'robot-permission', text: has };
    notes.push = {
      clause: 'robot-permission',
      text: bits & PUSH ? has : `${has}; push needs write or admin`,
    };
    notes.delete = { clause: 'robot-permission', text: bits & DELETE ? has : `${has}; delete needs admin` };
  }
  return bits;
}

export function anonymousSeed(notes?: SeedNotes): number {
  if (notes) {
    const note: SeedNote = {
      clause: 'anonymous',
      text: 'anonymous requests get nothing unless a rule allows it',
    };
    notes.pull = notes.push = notes.delete = note;
  }
  return 0;
}

/** The first id in `ids` that is in `set`, or -1. */
export function firstIn(ids: Iterable<number>, set: ReadonlySet<number>): number {
  for (const id of ids) if (set.has(id)) return id;
  return -1;
}
