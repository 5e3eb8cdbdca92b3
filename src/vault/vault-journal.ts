/**
 * The vault's record of what it did: one audit entry per change and per secret read (denied
 * ones included), and whether anything the credential helper reads changed (local-vault.ts
 * then refreshes the helper's snapshot).
 */
import type { AuditSink } from '../audit/audit-entry.ts';
import type { Actor } from './actor.ts';

export class VaultJournal {
  #changed = false;

  constructor(
    private readonly audit: AuditSink,
    private readonly now: () => number,
  ) {}

  /** True once something the credential helper reads changed. */
  get changed(): boolean {
    return this.#changed;
  }

  markChanged(): void {
    this.#changed = true;
  }

  async record(
    actor: Actor,
    action: string,
    target: string,
    details?: Record<string, unknown>,
    outcome: 'success' | 'failure' | 'denied' = 'success',
  ): Promise<void> {
    // A mint changes the store file, so the helper's snapshot is rewritten after it too.
    if (action !== 'credential.read') this.#changed = true;
    await this.audit.record({
      action,
      actor: actor.name,
      actorKind: actor.kind,
      target,
      outcome,
      ...(actor.sourceAddress ? { sourceAddress: actor.sourceAddress } : {}),
      ...(actor.userAgent ? { userAgent: actor.userAgent } : {}),
      ...(details ? { details } : {}),
      time: this.now(),
    });
  }
}
