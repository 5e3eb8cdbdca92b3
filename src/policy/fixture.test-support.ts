// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${account} and ${group} are literal policy syntax here
/**
 * The fixture access model shared by the policy tests (not shipped: only tests import it).
 *
 * Groups: dev 10, ops 11, qa 12, other 14.
 * Registries: registry.test (unrestricted, publications dev+qa, responsibles ops),
 *             locked.test (restricted, publications dev, responsibles ops),
 *             elsewhere.test (unrestricted, publications other, responsibles other),
 *             mirror.test (unrestricted, publications dev, responsibles ops).
 */
import type { ResourceActions } from '../domain/access.ts';
import { parseResourceScope } from '../domain/access.ts';
import type { App, Group, Principal, Privilege, Registry, Robot, Service, User } from '../domain/model.ts';
import { AccessModel, type AccessModelInput } from './access-model.ts';
import type { AccessRule } from './rule.ts';

/** 2026-11-22T00:00:00Z, the pinned clock. */
export const NOW = Date.UTC(2026, 10, 22);
const DAY_MS = 86_400_000;

const PULLER: Privilege = 'DockerRegistriesPuller';
const PUSHER: Privilege = 'DockerRegistriesPusher';
const MANAGER: Privilege = 'DockerRegistriesManager';

export const groups: Group[] = [
  { id: 10, name: 'dev' },
  { id: 11, name: 'ops' },
  { id: 12, name: 'qa' },
  { id: 14, name: 'other' },
];

function user(
  id: number,
  name: string,
  groupIds: number[],
  privileges: Privilege[],
  extra: Partial<User> = {},
): User {
  return { id, name, groups: groupIds, privileges, admin: false, disabled: false, ...extra };
}

export const users: User[] = [
  user(1, 'alice', [10, 11], [PULLER, PUSHER]), // published and responsible
  user(2, 'bob', [10], [PULLER, PUSHER]), // published only
  user(3, 'carol', [11], [PULLER, PUSHER]), // responsible only
  user(4, 'dave', [10, 11], []), // no privileges
  user(5, 'erin', [10, 11], [PULLER]), // puller only
  user(7, 'root', [], [], { admin: true }), // administrator, no groups, no privileges
  user(8, 'mallory', [10, 11], [PULLER, PUSHER, MANAGER], { disabled: true }),
  user(9, 'manny', [11], [PULLER, PUSHER, MANAGER]), // manager, responsible
  user(13, 'mona', [10], [PULLER, MANAGER]), // manager, not responsible
  user(14, 'quinn', [12], [PULLER, PUSHER]), // qa: a publication group of registry.test
  user(15, 'pat', [14], []), // other
  user(16, 'olga', [11], [PULLER]), // ops, no Manager (public-mode catalog)
  user(17, 'eve', [10], [PULLER, PUSHER], { admin: true, disabled: true }), // disabled administrator
];

export const apps: App[] = [
  { id: 20, name: 'shop', publications: [10], responsibles: [11] },
  { id: 21, name: 'billing', publications: [12], responsibles: [12] },
  { id: 22, name: 'hidden', publications: [14], responsibles: [14] },
];

export const services: Service[] = [
  { id: 1, name: 'node1', appId: 20, disabled: false }, // shop
  { id: 2, name: 'node2', appId: null, disabled: false }, // no app
  { id: 3, name: 'node3', appId: 22, disabled: false }, // hidden: not published on registry.test
  { id: 4, name: 'node4', appId: 20, disabled: true },
  { id: 5, name: 'node5', appId: 99, disabled: false }, // dangling app id
];

/** Epoch milliseconds `days` from NOW: the unit of `Robot.expiresAt`. */
const inDays = (days: number) => NOW + days * DAY_MS;

export const robots: Robot[] = [
  {
    id: 1,
    name: 'ci-read',
    repositories: ['team/web'],
    permission: 'read',
    expiresAt: null,
    disabled: false,
  },
  {
    id: 2,
    name: 'ci-write',
    repositories: ['team/*'],
    permission: 'write',
    expiresAt: null,
    disabled: false,
  },
  {
    id: 3,
    name: 'ci-admin',
    repositories: ['team/**', 'users/alice/tool'],
    permission: 'admin',
    expiresAt: inDays(30),
    disabled: false,
  },
  {
    id: 4,
    name: 'ci-expired',
    repositories: ['team/web'],
    permission: 'admin',
    expiresAt: inDays(-1),
    disabled: false,
  },
  {
    id: 5,
    name: 'ci-disabled',
    repositories: ['team/web'],
    permission: 'admin',
    expiresAt: null,
    disabled: true,
  },
  {
    id: 6,
    name: 'ci-now',
    repositories: ['team/web'],
    permission: 'read',
    expiresAt: NOW,
    disabled: false,
  },
];

function registry(
  id: number,
  service: string,
  restricted: boolean,
  publications: number[],
  responsibles: number[],
): Registry {
  return { id, service, url: `http://${service}`, insecure: true, restricted, publications, responsibles };
}

export const registries: Registry[] = [
  registry(1, 'registry.test', false, [10, 12], [11]),
  registry(2, 'locked.test', true, [10], [11]),
  registry(3, 'elsewhere.test', false, [14], [14]),
  registry(4, 'mirror.test', false, [10], [11]),
];

export const RULES: AccessRule[] = [
  {
    id: 'no-prod-push',
    effect: 'deny',
    actions: ['push'],
    repository: 'prod/**',
    comment: 'prod is built by CI',
  },
  {
    id: 'readonly-mirror',
    effect: 'deny',
    actions: ['*'],
    registry: 'mirror.*',
    principals: { kinds: ['robot'] },
  },
  {
    id: 'bob-staging',
    effect: 'allow',
    actions: ['push'],
    repository: 'staging/**',
    principals: { accounts: ['bob'] },
  },
  { id: 'home', effect: 'allow', actions: ['*'], repository: 'home/${account}/**' },
  {
    id: 'ops-office',
    effect: 'allow',
    actions: ['push'],
    repository: 'ops-tools/*',
    principals: { groups: ['ops'] },
    sources: ['10.1.0.0/16', 'fd00::/8'],
  },
  { id: 'team-space', effect: 'allow', actions: ['pull', 'push'], repository: 'teams/${group}/**' },
  {
    id: 'public-pull',
    effect: 'allow',
    actions: ['pull'],
    repository: 'public/*',
    principals: { kinds: ['anonymous', 'service', 'robot'] },
  },
  { id: 'late-allow', effect: 'allow', actions: ['push', 'delete'], repository: 'prod/**' },
  {
    id: 'no-shop-secret',
    effect: 'deny',
    actions: ['pull'],
    repository: 'apps/shop/secret',
    principals: { kinds: ['service'] },
  },
  { effect: 'deny', actions: ['pull'], repository: 'dropbox/*' },
];

export function buildModel(extra: Partial<AccessModelInput> = {}): AccessModel {
  return new AccessModel({ users, groups, apps, services, robots, registries, ...extra });
}

/** `alice`, `service:node1`, `robot:ci-read`, `anonymous`. */
export function principal(model: AccessModel, who: string): Principal {
  if (who === 'anonymous') return { kind: 'anonymous' };
  const [kind, name] = who.includes(':') ? (who.split(':') as [string, string]) : ['user', who];
  const found =
    kind === 'user'
      ? model.users.byName.get(name) && { kind: 'user' as const, user: model.users.byName.get(name)! }
      : kind === 'service'
        ? model.services.byName.get(name) && {
            kind: 'service' as const,
            service: model.services.byName.get(name)!,
          }
        : model.robots.byName.get(name) && { kind: 'robot' as const, robot: model.robots.byName.get(name)! };
  if (!found) throw new TypeError(`fixture has no ${who}`);
  return found;
}

export function resource(scope: string): ResourceActions {
  const parsed = parseResourceScope(scope);
  if (!parsed) throw new TypeError(`unknown resource type in ${scope}`);
  return parsed;
}

export function registryOf(model: AccessModel, service: string): Registry {
  const found = model.registryByService(service);
  if (!found) throw new TypeError(`fixture has no registry ${service}`);
  return found;
}
