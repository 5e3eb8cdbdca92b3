/**
 * The access model: users, groups, applications, services, robots and registries.
 * These are plain, immutable records as the policy engine sees them (no secrets here).
 */

export const PRIVILEGES = [
  'DockerRegistriesPuller',
  'DockerRegistriesPusher',
  'DockerRegistriesManager',
] as const;
export type Privilege = (typeof PRIVILEGES)[number];
export const PRIVILEGE_ALIASES: Readonly<Record<string, Privilege>> = {
  puller: 'DockerRegistriesPuller',
  pusher: 'DockerRegistriesPusher',
  manager: 'DockerRegistriesManager',
};

export type AccessMode = 'private' | 'public';

export interface Group {
  readonly id: number;
  readonly name: string;
}

export interface User {
  readonly id: number;
  readonly name: string;
  /** Group ids; the first is the primary group. */
  readonly groups: readonly number[];
  readonly privileges: readonly Privilege[];
  readonly admin: boolean;
  readonly disabled: boolean;
}

export interface App {
  readonly id: number;
  readonly name: string;
  readonly publications: readonly number[];
  readonly responsibles: readonly number[];
}

export interface Service {
  readonly id: number;
  readonly name: string;
  readonly appId: number | null;
  readonly disabled: boolean;
}

export type RobotPermission = 'read' | 'write' | 'admin';

export interface Robot {
  readonly id: number;
  readonly name: string;
  /** Repository names or glob patterns (`*` within a path component, `**` across `/`). */
  readonly repositories: readonly string[];
  readonly permission: RobotPermission;
  /** Epoch milliseconds; null = never expires. */
  readonly expiresAt: number | null;
  readonly disabled: boolean;
}

export interface Registry {
  readonly id: number;
  /** REGISTRY_AUTH_TOKEN_SERVICE, the token audience. */
  readonly service: string;
  readonly url: string;
  readonly insecure: boolean;
  readonly restricted: boolean;
  readonly publications: readonly number[];
  readonly responsibles: readonly number[];
}

export type PrincipalKind = 'user' | 'service' | 'robot' | 'anonymous';

/** Who is asking, after authentication. */
export type Principal =
  | { readonly kind: 'user'; readonly user: User }
  | { readonly kind: 'service'; readonly service: Service }
  | { readonly kind: 'robot'; readonly robot: Robot }
  | { readonly kind: 'anonymous' };

export function principalName(principal: Principal): string {
  switch (principal.kind) {
    case 'user':
      return principal.user.name;
    case 'service':
      return principal.service.name;
    case 'robot':
      return principal.robot.name;
    case 'anonymous':
      return '';
  }
}

/** An enabled user with the administrator flag. */
export function isAdministrator(principal: Principal): boolean {
  return principal.kind === 'user' && principal.user.admin && !principal.user.disabled;
}

/** Names made only of digits are refused for users, groups and apps (ids and names never collide). */
export function isAllDigits(name: string): boolean {
  return /^[0-9]+$/.test(name);
}
