/**
 * How the access model looks to the people using it (API replies, CLI, console): groups by
 * name instead of id, times as ISO text, and never a password hash or secret (only the kind of
 * hash a user's password has). The application services return these.
 */
import type { App, Group, Registry, Robot, Service, User } from '../domain/model.ts';
import { isBcryptHash } from '../identity/password.ts';
import type { AccessSnapshot } from '../store/access-store.ts';

export interface UserView {
  id: number;
  name: string;
  groups: string[];
  privileges: string[];
  admin: boolean;
  disabled: boolean;
  /** argon2id | bcrypt (imported, re-hashed on next login) | none (cannot log in with a password). */
  password: 'argon2id' | 'bcrypt' | 'none';
  /** The identity source the user is bound to; null for a local account. */
  source: string | null;
}

export interface GroupView {
  id: number;
  name: string;
  members: string[];
}

export interface AppView {
  id: number;
  name: string;
  publications: string[];
  responsibles: string[];
  services: string[];
}

export interface ServiceView {
  id: number;
  name: string;
  app: string | null;
  disabled: boolean;
}

export interface RobotView {
  id: number;
  name: string;
  repositories: string[];
  permission: string;
  expires: string | null;
  expired: boolean;
  disabled: boolean;
}

/** The access model as the API, the CLI and the console show it, from one snapshot. */
export class ModelView {
  readonly #groupNames = new Map<number, string>();
  readonly #appNames = new Map<number, string>();

  constructor(private readonly snapshot: AccessSnapshot) {
    for (const group of snapshot.groups) this.#groupNames.set(group.id, group.name);
    for (const app of snapshot.apps) this.#appNames.set(app.id, app.name);
  }

  groupNames(ids: readonly number[]): string[] {
    return ids.map((id) => this.#groupNames.get(id) ?? String(id));
  }

  user(user: User): UserView {
    const record = this.snapshot.credentials.get(user.name);
    const hash = record?.hash ?? null;
    return {
      id: user.id,
      name: user.name,
      groups: this.groupNames(user.groups),
      privileges: [...user.privileges],
      admin: user.admin,
      disabled: user.disabled,
      password: hash === null ? 'none' : isBcryptHash(hash) ? 'bcrypt' : 'argon2id',
      source: record?.source ?? null,
    };
  }

  group(group: Group): GroupView {
    return {
      id: group.id,
      name: group.name,
      members: this.snapshot.users.filter((u) => u.groups.includes(group.id)).map((u) => u.name),
    };
  }

  app(app: App): AppView {
    return {
      id: app.id,
      name: app.name,
      publications: this.groupNames(app.publications),
      responsibles: this.groupNames(app.responsibles),
      services: this.snapshot.services.filter((s) => s.appId === app.id).map((s) => s.name),
    };
  }

  service(service: Service): ServiceView {
    return {
      id: service.id,
      name: service.name,
      app: service.appId === null ? null : (this.#appNames.get(service.appId) ?? null),
      disabled: service.disabled,
    };
  }

  robot(robot: Robot): RobotView {
    return {
      id: robot.id,
      name: robot.name,
      repositories: [...robot.repositories],
      permission: robot.permission,
      expires: robot.expiresAt === null ? null : new Date(robot.expiresAt).toISOString(),
      expired: robot.expiresAt !== null && robot.expiresAt <= Date.now(),
      disabled: robot.disabled,
    };
  }

  registry(registry: Registry, syncInterval: number | null): RegistryView {
    return {
      id: registry.id,
      service: registry.service,
      url: registry.url,
      insecure: registry.insecure,
      restricted: registry.restricted,
      publications: this.groupNames(registry.publications),
      responsibles: this.groupNames(registry.responsibles),
      sync_interval: syncInterval,
    };
  }
}

export interface RegistryView {
  id: number;
  service: string;
  url: string;
  insecure: boolean;
  restricted: boolean;
  publications: string[];
  responsibles: string[];
  sync_interval: number | null;
}
