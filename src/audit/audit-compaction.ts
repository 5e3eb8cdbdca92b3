/**
 * The compact form of repeated token grants: rows identical in everything but their time
 * (principal and kind, registry, requested and granted scopes, outcome, address, client) within
 * one minute become one row with `count`, the first time (`time`) and the last (`last_time`).
 * The trail stays complete (every grant is counted, with its minute) and grows with the number
 * of distinct grants rather than the number of pulls.
 */
import type { Insertable } from 'kysely';
import type { AuditLogTable } from '../store/catalog-tables.ts';

export type CompactableRow = Insertable<AuditLogTable> & { count: number; last_time?: number | null };

/** Actions whose repeats are compacted. */
export const COMPACTED_ACTIONS: ReadonlySet<string> = new Set(['token.issue']);

export const MINUTE_MS = 60_000;

/** The grouping key of a row: every field but the times and the count, and its minute. */
export function compactionKey(row: CompactableRow): string {
  return JSON.stringify([
    Math.floor(row.time / MINUTE_MS),
    row.source,
    row.action,
    row.actor,
    row.actor_kind,
    row.outcome,
    row.target ?? null,
    row.service ?? null,
    row.source_address ?? null,
    row.user_agent ?? null,
    row.details ?? null,
  ]);
}

/** Merges repeated rows of COMPACTED_ACTIONS within a batch; other rows pass unchanged, in order. */
export function compactRows<R extends CompactableRow>(rows: readonly R[]): R[] {
  const out: R[] = [];
  const groups = new Map<string, R>();
  for (const row of rows) {
    if (!COMPACTED_ACTIONS.has(row.action) || row.source !== 'authority') {
      out.push(row);
      continue;
    }
    const key = compactionKey(row);
    const group = groups.get(key);
    if (!group) {
      const copy = { ...row };
      groups.set(key, copy);
      out.push(copy);
      continue;
    }
    const first = Math.min(group.time, row.time);
    const last = Math.max(group.last_time ?? group.time, row.last_time ?? row.time);
    group.time = first;
    group.last_time = last;
    group.count += row.count;
  }
  return out;
}
