/**
 * Robot accounts (administrators only): Quay-style `owner+name` accounts limited to listed
 * repositories (globs), with read | write | admin and an optional expiry. A secret is shown
 * once: in the create reply when generated, and in the regenerate reply.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import { checkName } from '../domain/entity-names.ts';
import { BadRequest, ConfigInvalid, Conflict, NotFound } from '../domain/errors.ts';
import { pastExpiryProblem } from '../domain/expiry.ts';
import type { Robot, RobotPermission } from '../domain/model.ts';
import { generateSecret, hashSecret } from '../identity/password.ts';
import { globProblems } from '../policy/index.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { Upserted } from '../store/writers/model-change.ts';
import type { RobotWriter } from '../store/writers/robot-writer.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';
import { MachineAccountSecrets, type MachineAccounts, type RegeneratedSecret } from './machine-accounts.ts';
import { ModelView, type RobotView } from './views.ts';

export interface UpdateRobotInput {
  readonly repositories?: readonly string[] | undefined;
  readonly permission?: RobotPermission | undefined;
  /** Epoch milliseconds; null: never expires; undefined: unchanged. */
  readonly expiresAt?: number | null | undefined;
  readonly disabled?: boolean | undefined;
}

export interface CreateRobotInput extends UpdateRobotInput {
  readonly name: string;
  readonly repositories: readonly string[];
  readonly permission: RobotPermission;
  /** Without one, a secret is generated and returned once. */
  readonly secret?: string | undefined;
}

export interface RobotServiceDeps {
  readonly authority: Authority;
  readonly writer: RobotWriter;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
}

export class RobotService implements MachineAccounts {
  readonly #accounts: MachineAccountSecrets;

  constructor(private readonly deps: RobotServiceDeps) {
    this.#accounts = new MachineAccountSecrets('robot', { ...deps, require: (name) => this.#require(name) });
  }

  async list(caller: Caller): Promise<RobotView[]> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    const view = this.#view();
    return this.deps.authority.snapshot.robots.map((r) => view.robot(r));
  }

  async show(caller: Caller, name: string): Promise<RobotView> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    return this.#view().robot(this.#require(name));
  }

  async create(caller: Caller, input: CreateRobotInput): Promise<RobotView & { secret?: string }> {
    requireAdmin(caller);
    checkName('robot', input.name);
    checkRepositories(input.repositories);
    const past = pastExpiryProblem(input.expiresAt);
    if (past) throw new BadRequest(`expires ${past}`);
    await this.deps.authority.refresh();
    if (this.deps.authority.credential(input.name))
      throw new Conflict(`the name "${input.name}" is already taken`);
    const generated = input.secret === undefined ? generateSecret() : undefined;
    await this.deps.writer.upsert(
      {
        name: input.name,
        secretHash: hashSecret(input.secret ?? generated!),
        repositories: input.repositories,
        permission: input.permission,
        expiresAt: input.expiresAt ?? null,
        disabled: input.disabled ?? false,
      },
      { conflict: `the name "${input.name}" is already taken` },
    );
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'robot.create',
      target: `robot:${input.name}`,
      details: { ...auditDetails(input), generatedSecret: generated !== undefined },
    });
    return { ...this.#view().robot(this.#require(input.name)), ...(generated ? { secret: generated } : {}) };
  }

  async update(caller: Caller, name: string, input: UpdateRobotInput): Promise<RobotView> {
    requireAdmin(caller);
    if (input.repositories) checkRepositories(input.repositories);
    await this.deps.authority.refresh();
    this.#require(name);
    await this.deps.writer.upsert({
      name,
      repositories: input.repositories,
      permission: input.permission,
      expiresAt: input.expiresAt,
      disabled: input.disabled,
    });
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: 'robot.update',
      target: `robot:${name}`,
      details: auditDetails(input),
    });
    return this.#view().robot(this.#require(name));
  }

  regenerate(caller: Caller, name: string): Promise<RegeneratedSecret> {
    return this.#accounts.regenerate(caller, name);
  }

  remove(caller: Caller, name: string): Promise<void> {
    return this.#accounts.remove(caller, name);
  }

  /**
   * A robot the configuration file declares. The secret is re-hashed only when it changed.
   * Not audited; the caller announces the change. A new robot must not have expired already
   * (`where` names it in the problem: `robots[2]`).
   */
  async declare(
    robot: {
      readonly name: string;
      readonly secret: string;
      readonly repositories: readonly string[];
      readonly permission: RobotPermission;
      readonly expiresAt: number | null;
      readonly disabled: boolean;
    },
    where = `robot "${robot.name}"`,
  ): Promise<Upserted> {
    const past = pastExpiryProblem(robot.expiresAt);
    if (past && this.deps.authority.credential(robot.name)?.kind !== 'robot') {
      await this.deps.authority.refresh();
      if (this.deps.authority.credential(robot.name)?.kind !== 'robot')
        throw new ConfigInvalid([`${where}.expires: ${past}`]);
    }
    return this.deps.writer.upsert({
      name: robot.name,
      secretHash: await this.#accounts.declaredSecretHash(robot.name, robot.secret),
      repositories: robot.repositories,
      permission: robot.permission,
      expiresAt: robot.expiresAt,
      disabled: robot.disabled,
    });
  }

  #view(): ModelView {
    return new ModelView(this.deps.authority.snapshot);
  }

  #require(name: string): Robot {
    const principal = this.deps.authority.principalByName('robot', name);
    if (principal?.kind !== 'robot') throw new NotFound(`no robot named "${name}"`);
    return principal.robot;
  }
}

/** Repository names or globs (`team/web`, `team/*`, `team/**`); every problem is reported. */
function checkRepositories(patterns: readonly string[]): void {
  const problems = patterns.flatMap((pattern, i) =>
    globProblems(pattern).map((p) => `repositories.${i}: ${p}`),
  );
  if (problems.length > 0) throw new BadRequest(`invalid request: ${problems.join('; ')}`);
}

/** What the audit entry records of a request: the fields given, the expiry as ISO text, never the secret. */
function auditDetails(input: UpdateRobotInput & { name?: string; secret?: string }): Record<string, unknown> {
  const { secret: _secret, expiresAt, ...rest } = input;
  if (expiresAt === undefined) return { ...rest };
  return { ...rest, expires: expiresAt === null ? null : new Date(expiresAt).toISOString() };
}
