/**
 * Audit entries as rows and as the API and CLI show them (`AuditRecord`, CSV lines).
 *
 * A compact row stands for `count` entries identical but for their time (repeated token
 * grants: same principal, scopes, registry, address and client, within one minute): `time` is
 * the first of them and `last_time` the last. A single entry has `count` 1 and `last_time` null.
 */
import type { Insertable, Selectable } from 'kysely';
import type { AuditLogTable } from '../store/catalog-tables.ts';
import type { CountedEntry } from './audit-entry.ts';

/** An entry as the API and CLI show it. */
export interface AuditRecord {
  id: number;
  time: string;
  source: string;
  action: string;
  actor: string;
  actor_kind: string;
  outcome: string;
  target: string | null;
  service: string | null;
  repository: string | null;
  tag: string | null;
  digest: string | null;
  media_type: string | null;
  size: number | null;
  source_address: string | null;
  user_agent: string | null;
  event_id: string | null;
  details: unknown;
  /** How many entries the row stands for (1 unless repeated entries were compacted). */
  count: number;
  /** The last of `count` entries (ISO 8601); null for a single entry. */
  last_time: string | null;
}

export const AUDIT_COLUMNS: readonly (keyof AuditRecord)[] = [
  'id',
  'time',
  'source',
  'action',
  'actor',
  'actor_kind',
  'outcome',
  'target',
  'service',
  'repository',
  'tag',
  'digest',
  'media_type',
  'size',
  'source_address',
  'user_agent',
  'event_id',
  'details',
  'count',
  'last_time',
];

export type AuditRow = Selectable<AuditLogTable>;

export function toRecord(row: AuditRow): AuditRecord {
  let details: unknown = null;
  if (row.details) {
    try {
      details = JSON.parse(row.details);
    } catch {
      details = row.details;
    }
  }
  return {
    id: Number(row.id),
    time: new Date(Number(row.time)).toISOString(),
    source: row.source,
    action: row.action,
    actor: row.actor,
    actor_kind: row.actor_kind,
    outcome: row.outcome,
    target: row.target,
    service: row.service,
    repository: row.repository,
    tag: row.tag,
    digest: row.digest,
    media_type: row.media_type,
    size: row.size === null ? null : Number(row.size),
    source_address: row.source_address,
    user_agent: row.user_agent,
    event_id: row.event_id,
    details,
    count: Number(row.count ?? 1),
    last_time:
      row.last_time === null || row.last_time === undefined
        ? null
        : new Date(Number(row.last_time)).toISOString(),
  };
}

export function csvLine(record: AuditRecord): string {
  return AUDIT_COLUMNS.map((column) => {
    const value = record[column];
    if (value === null || value === undefined) return '';
    const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
    // Neutralise spreadsheet formulas and quote what needs quoting.
    const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  }).join(',');
}

/** The row an authority entry (login, token, change) becomes, or `count` repeats of one. */
export function authorityRow(entry: CountedEntry): Insertable<AuditLogTable> & { count: number } {
  const count = entry.count ?? 1;
  return {
    time: entry.time ?? Date.now(),
    source: 'authority',
    event_id: null,
    action: entry.action,
    actor: entry.actor || 'anonymous',
    actor_kind: entry.actorKind,
    outcome: entry.outcome,
    target: entry.target ?? null,
    service: entry.service ?? null,
    repository: null,
    tag: null,
    digest: null,
    media_type: null,
    size: null,
    source_address: entry.sourceAddress ?? null,
    user_agent: entry.userAgent ?? null,
    details: entry.details === undefined ? null : JSON.stringify(entry.details),
    count,
    last_time: count > 1 ? (entry.lastTime ?? null) : null,
  };
}
