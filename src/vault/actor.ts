/** Who changes or reads vault entries, for `updated_by` columns and audit entries. */
import os from 'node:os';
import type { AuditEntry } from '../audit/audit-entry.ts';
import { type Principal, principalName } from '../domain/model.ts';

export interface Actor {
  readonly name: string;
  readonly kind: AuditEntry['actorKind'];
  readonly sourceAddress?: string;
  readonly userAgent?: string;
}

/** The person running the CLI against the local data directory. */
export function localActor(tool = 'cli'): Actor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return { name: `local:${user}`, kind: 'system', userAgent: `purser ${tool}` };
}

export function principalActor(
  principal: Principal,
  extra: { sourceAddress?: string; userAgent?: string } = {},
): Actor {
  const name = principal.kind === 'anonymous' ? 'anonymous' : principalName(principal);
  return { name, kind: principal.kind, ...extra };
}
