/**
 * The synthetic organisation every scenario uses: users u1..uN spread over groups g1..gG,
 * apps a1..aA, one registry `registry.bench` published to the first 200 groups, and repository
 * names spread over `users/`, `groups/`, `apps/` and team namespaces.
 */
import type { App, Group, Privilege, Registry, Robot, Service, User } from '../../src/domain/model.ts';

export const SERVICE = 'registry.bench';
export const PASSWORD = 'bench-password';

export interface OrgSize {
  readonly users: number;
  readonly groups: number;
  readonly apps: number;
}

export function groupName(id: number): string {
  return `g${id}`;
}

export function benchGroups(size: OrgSize): Group[] {
  return Array.from({ length: size.groups }, (_, i) => ({ id: i + 1, name: groupName(i + 1) }));
}

/** u1 is in g1 (primary) and another group; every tenth user only pulls; every 100th manages. */
export function benchUser(id: number, size: OrgSize): User {
  const groups = [...new Set([((id - 1) % size.groups) + 1, ((id * 7) % size.groups) + 1])];
  const privileges: Privilege[] =
    id % 10 === 0 ? ['DockerRegistriesPuller'] : ['DockerRegistriesPuller', 'DockerRegistriesPusher'];
  if (id % 100 === 0) privileges.push('DockerRegistriesManager');
  return { id, name: `u${id}`, groups, privileges, admin: false, disabled: false };
}

export function benchUsers(size: OrgSize): User[] {
  return Array.from({ length: size.users }, (_, i) => benchUser(i + 1, size));
}

export function benchApps(size: OrgSize): App[] {
  return Array.from({ length: size.apps }, (_, i) => ({
    id: i + 1,
    name: `a${i + 1}`,
    publications: [(i % size.groups) + 1],
    responsibles: [((i + 1) % size.groups) + 1],
  }));
}

export function benchServices(size: OrgSize, count: number): Service[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `node${i + 1}.bench`,
    appId: (i % size.apps) + 1,
    disabled: false,
  }));
}

export function benchRobots(count: number): Robot[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `ci+robot${i + 1}`,
    repositories: [`team${i % 50}/**`, `apps/a${i + 1}/*`],
    permission: i % 3 === 0 ? 'read' : 'write',
    expiresAt: null,
    disabled: false,
  }));
}

export function benchRegistry(size: OrgSize, url: string, id = 1): Registry {
  const publications = Array.from({ length: Math.min(size.groups, 200) }, (_, i) => i + 1);
  return {
    id,
    service: SERVICE,
    url,
    insecure: true,
    restricted: false,
    publications,
    responsibles: [1, 2, 3, 4, 5].filter((g) => g <= size.groups),
  };
}

/** Repository i of a catalog: a quarter each in users/, groups/, apps/ and team namespaces. */
export function repositoryName(i: number, size: OrgSize): string {
  const k = Math.floor(i / 4);
  switch (i % 4) {
    case 0:
      return `users/u${(k % size.users) + 1}/svc-${i}`;
    case 1:
      return `groups/g${(k % size.groups) + 1}/lib-${i}`;
    case 2:
      return `apps/a${(k % size.apps) + 1}/img-${i}`;
    default:
      return `team${k % 50}/component-${i}`;
  }
}
