/**
 * What service accounts and robots share: a generated secret, stored as a salted hash only,
 * that can be replaced (shown once), deletion, and the configuration file's secret, re-hashed
 * only when it changed so a restart does not end refresh tokens.
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import { generateSecret, hashSecret, verifySecret } from '../identity/password.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { Upserted } from '../store/writers/model-change.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';

export interface RegeneratedSecret {
  readonly name: string;
  /** Shown once; only its salted hash is stored. */
  readonly secret: string;
}

export interface MachineAccounts {
  /** Replaces the secret with a new generated one; refresh tokens of the account end. */
  regenerate(caller: Caller, name: string): Promise<RegeneratedSecret>;
  /** Deletes the account; its refresh tokens die with it. */
  remove(caller: Caller, name: string): Promise<void>;
}

/** The part of ServiceWriter and RobotWriter the shared use cases need. */
export interface MachineAccountWriter {
  upsert(patch: { name: string; secretHash?: string | undefined }): Promise<Upserted>;
  delete(name: string): Promise<void>;
  storedSecretHash(name: string): Promise<string | undefined>;
}

export class MachineAccountSecrets implements MachineAccounts {
  constructor(
    private readonly kind: 'service' | 'robot',
    private readonly deps: {
      readonly authority: Authority;
      readonly writer: MachineAccountWriter;
      readonly changes: ModelChanges;
      readonly audit: AuditSink;
      /** Throws NotFound when there is no such account in the current snapshot. */
      readonly require: (name: string) => unknown;
    },
  ) {}

  async regenerate(caller: Caller, name: string): Promise<RegeneratedSecret> {
    requireAdmin(caller);
    await this.deps.authority.refresh();
    this.deps.require(name);
    const secret = generateSecret();
    await this.deps.writer.upsert({ name, secretHash: hashSecret(secret) });
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, {
      action: `${this.kind}.regenerate`,
      target: `${this.kind}:${name}`,
    });
    return { name, secret };
  }

  async remove(caller: Caller, name: string): Promise<void> {
    requireAdmin(caller);
    await this.deps.writer.delete(name);
    await this.deps.changes.notify();
    recordChange(this.deps.audit, caller, { action: `${this.kind}.delete`, target: `${this.kind}:${name}` });
  }

  /** The hash to store for a declared secret: undefined when the stored one already matches. */
  async declaredSecretHash(name: string, secret: string): Promise<string | undefined> {
    const stored = await this.deps.writer.storedSecretHash(name);
    return stored && verifySecret(stored, secret) ? undefined : hashSecret(secret);
  }
}
