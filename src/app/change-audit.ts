/** The audit entry of a change made through an application service (never a secret in it). */
import type { AuditEntry, AuditSink } from '../audit/audit-entry.ts';
import { principalName } from '../domain/model.ts';
import type { Caller } from './caller.ts';

export interface ChangeRecord {
  readonly action: string;
  readonly target: string;
  readonly service?: string;
  readonly details?: Record<string, unknown>;
}

export function changeEntry(caller: Caller, change: ChangeRecord): AuditEntry {
  const principal = caller.principal;
  return {
    action: change.action,
    actor: principal.kind === 'anonymous' ? 'anonymous' : principalName(principal),
    actorKind: principal.kind,
    outcome: 'success',
    ...(caller.sourceAddress ? { sourceAddress: caller.sourceAddress } : {}),
    target: change.target,
    ...(change.service ? { service: change.service } : {}),
    ...(change.details ? { details: change.details } : {}),
  };
}

/** Records the change; the audit queue never makes the caller wait or fail. */
export function recordChange(audit: AuditSink, caller: Caller, change: ChangeRecord): void {
  void audit.record(changeEntry(caller, change));
}
