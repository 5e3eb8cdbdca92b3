/**
 * Users: the people who log in with a password. Each use case checks the caller, validates
 * with the domain rules, writes through the UserWriter, announces the change and records the
 * audit entry; the API, the CLI's local mode and the configuration file all come through here.
 *
 * The last enabled administrator cannot be deleted, disabled or demoted.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import { checkName } from '../domain/entity-names.ts';
import { Conflict, Denied, NotFound } from '../domain/errors.ts';
import { isAdministrator, type Privilege, type User } from '../domain/model.ts';
import { parsePrivileges } from '../domain/privilege.ts';
import { hashPassword, verifyPassword } from '../identity/password.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { Upserted } from '../store/writers/model-change.ts';
import type { UserWriter } from '../store/writers/user-writer.ts';
import type { Authority } from './authority.ts';
import { managesRegistry, requireAdmin, requireAuthenticated } from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';
import { type HtpasswdImport, type HtpasswdImportResult, importHtpasswd } from './htpasswd-import.ts';
import { ModelView, type RobotView, type ServiceView, type UserView } from './views.ts';

export interface CreateUserInput {
  readonly name: string;
  readonly id?: number | undefined;
  readonly password?: string | undefined;
  readonly groups?: readonly string[] | undefined;
  /** Full names or the aliases puller, pusher, manager. */
  readonly privileges?: readonly string[] | undefined;
  readonly admin?: boolean | undefined;
  readonly disabled?: boolean | undefined;
}

export interface UpdateUserInput {
  readonly groups?: readonly string[] | undefined;
  readonly privileges?: readonly string[] | undefined;
  readonly admin?: boolean | undefined;
  readonly disabled?: boolean | undefined;
}

/** A user as the configuration file declares it (validated by config/load.ts). */
export interface DeclaredUser {
  readonly name: string;
  readonly id?: number | undefined;
  readonly password?: string | undefined;
  readonly passwordHash?: string | undefined;
  readonly groups: readonly string[];
  readonly privileges: readonly Privilege[];
  readonly admin: boolean;
  readonly disabled: boolean;
}

/** The caller's own account, with the registries they manage. */
export type AccountView = (
  | ({ kind: 'user' } & UserView)
  | ({ kind: 'service' } & ServiceView)
  | ({ kind: 'robot' } & RobotView)
) & { manages: string[] };

export interface UserServiceDeps {
  readonly authority: Authority;
  readonly writer: UserWriter;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
}

const ALL_PRIVILEGES: readonly Privilege[] = [
  'DockerRegistriesPuller',
  'DockerRegistriesPusher',
  'DockerRegistriesManager',
];

export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  async me(caller: Caller): Promise<AccountView> {
    const principal = requireAuthenticated(caller);
    const authority = await this.#current();
    const mode = authority.snapshot.mode;
    const manages = authority.snapshot.registries
      .filter((r) => managesRegistry(principal, r, mode))
      .map((r) => r.service);
    const view = this.#view();
    if (principal.kind === 'user') {
      const user = this.#find(principal.user.name) ?? principal.user;
      return { kind: 'user', ...view.user(user), manages };
    }
    if (principal.kind === 'service') return { kind: 'service', ...view.service(principal.service), manages };
    return { kind: 'robot', ...view.robot(principal.robot), manages };
  }

  async list(caller: Caller): Promise<UserView[]> {
    requireAdmin(caller);
    const authority = await this.#current();
    const view = this.#view();
    return authority.snapshot.users.map((u) => view.user(u));
  }

  /** Administrators, or the user themself. */
  async show(caller: Caller, name: string): Promise<UserView> {
    const principal = requireAuthenticated(caller);
    if (!isAdministrator(principal) && !(principal.kind === 'user' && principal.user.name === name))
      throw new Denied('only administrators may look at other users');
    await this.#current();
    return this.#view().user(this.#require(name));
  }

  async create(caller: Caller, input: CreateUserInput): Promise<UserView> {
    requireAdmin(caller);
    checkName('user', input.name);
    await this.#current();
    if (this.#find(input.name)) throw new Conflict(`user "${input.name}" already exists`);
    const privileges = parsePrivileges(input.privileges ?? []);
    await this.deps.writer.upsert({
      name: input.name,
      id: input.id,
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
      groups: input.groups ?? [],
      privileges,
      admin: input.admin ?? false,
      disabled: input.disabled ?? false,
    });
    await this.deps.changes.notify();
    const { password: _secret, ...details } = input;
    recordChange(this.deps.audit, caller, {
      action: 'user.create',
      target: `user:${input.name}`,
      details: { ...details, password: input.password !== undefined },
    });
    return this.#view().user(this.#require(input.name));
  }

  async update(caller: Caller, name: string, input: UpdateUserInput): Promise<UserView> {
    requireAdmin(caller);
    await this.#current();
    const user = this.#require(name);
    if (user.admin && (input.admin === false || input.disabled === true)) this.#refuseLastAdmin(user);
    await this.deps.writer.upsert({
      name,
      groups: input.groups,
      privileges: input.privileges === undefined ? undefined : parsePrivileges(input.privileges),
      admin: input.admin,
      disabled: input.disabled,
    });
    await this.deps.changes.notify();
    const onlyEnables = input.disabled === false && Object.keys(input).length === 1;
    recordChange(this.deps.audit, caller, {
      action: input.disabled === true ? 'user.disable' : onlyEnables ? 'user.enable' : 'user.update',
      target: `user:${name}`,
      details: { ...input },
    });
    return this.#view().user(this.#require(name));
  }

  /** Deletes a user; their refresh tokens die with them. */
  async remove(caller: Caller, name: string): Promise<void> {
    requireAdmin(caller);
    await this.#current();
    const user = this.#require(name);
    if (user.admin) this.#refuseLastAdmin(user);
    await this.deps.writer.delete(name);
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, { action: 'user.delete', target: `user:${name}` });
  }

  /** The user themself, or an administrator. Existing refresh tokens of the user stop working. */
  async setPassword(caller: Caller, name: string, password: string): Promise<void> {
    const principal = requireAuthenticated(caller);
    const self = principal.kind === 'user' && principal.user.name === name;
    if (!self && !isAdministrator(principal)) throw new Denied('you may only change your own password');
    await this.#current();
    this.#require(name);
    await this.deps.writer.upsert({ name, passwordHash: await hashPassword(password) });
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'user.password',
      target: `user:${name}`,
      details: { self },
    });
  }

  async importHtpasswd(caller: Caller, input: HtpasswdImport): Promise<HtpasswdImportResult> {
    requireAdmin(caller);
    const authority = await this.#current();
    const result = await importHtpasswd(input, {
      existing: (name) => authority.credential(name)?.kind,
      writer: this.deps.writer,
    });
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'user.import',
      target: 'users',
      details: {
        created: result.created,
        updated: result.updated,
        skipped: result.skipped.map((s) => s.name),
        problems: result.problems.length,
      },
    });
    return result;
  }

  /**
   * Creates or updates a user the configuration file declares. The password is re-hashed only
   * when it changed, so a restart does not end refresh tokens. Not audited (the file is the
   * record); the caller announces the change once for the whole file.
   */
  async declare(user: DeclaredUser): Promise<Upserted> {
    let passwordHash: string | undefined;
    if (user.passwordHash !== undefined) passwordHash = user.passwordHash;
    else if (user.password !== undefined) {
      const stored = await this.deps.writer.storedPasswordHash(user.name);
      const same = stored ? (await verifyPassword(stored, user.password)).ok : false;
      passwordHash = same ? undefined : await hashPassword(user.password);
    }
    return this.deps.writer.upsert({
      name: user.name,
      id: user.id,
      passwordHash,
      groups: user.groups,
      privileges: user.privileges,
      admin: user.admin,
      disabled: user.disabled,
    });
  }

  /**
   * The first start creates the administrator `admin` unless an administrator exists (or was
   * created before). Returns true when it did; the caller shows a generated password once.
   */
  async ensureFirstAdministrator(password: string): Promise<boolean> {
    if (!(await this.deps.writer.firstAdministratorNeeded())) return false;
    const created = await this.deps.writer.createFirstAdministrator({
      name: 'admin',
      passwordHash: await hashPassword(password),
      groups: [],
      privileges: ALL_PRIVILEGES,
    });
    if (created) await this.deps.changes.notify();
    return created;
  }

  /** Stores a password again as argon2id after a login with an outdated (imported bcrypt) hash. */
  upgradePasswordHash(name: string, password: string): void {
    void hashPassword(password)
      .then((passwordHash) => this.deps.writer.upsert({ name, passwordHash }))
      .then(() => this.deps.changes.notify())
      .catch(() => {});
  }

  async #current(): Promise<Authority> {
    await this.deps.authority.refresh();
    return this.deps.authority;
  }

  #view(): ModelView {
    return new ModelView(this.deps.authority.snapshot);
  }

  #find(name: string): User | undefined {
    const principal = this.deps.authority.principalByName('user', name);
    return principal?.kind === 'user' ? principal.user : undefined;
  }

  #require(name: string): User {
    const user = this.#find(name);
    if (!user) throw new NotFound(`no user named "${name}"`);
    return user;
  }

  /** Keeps at least one enabled administrator. */
  #refuseLastAdmin(user: User): void {
    const others = this.deps.authority.snapshot.users.filter(
      (u) => u.admin && !u.disabled && u.name !== user.name,
    );
    if (others.length === 0) throw new Conflict(`"${user.name}" is the last enabled administrator`);
  }
}
