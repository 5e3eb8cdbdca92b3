/** Filters of the audit log (API, CLI): principal, repository, digest, action, service, time. */
import type { SelectQueryBuilder } from 'kysely';
import type { AuditLogTable } from '../store/catalog-tables.ts';
import type { Database } from '../store/schema.ts';
import type { AuditRecord } from './audit-record.ts';

export interface AuditQuery {
  /** Actor name (`alice`, `ci+builder`, `node1.example.com`, `anonymous`). */
  readonly principal?: string;
  readonly actorKind?: AuditLogTable['actor_kind'];
  readonly repository?: string;
  readonly tag?: string;
  readonly digest?: string;
  /** Exact action (`pull`, `token.issue`) or a prefix ending in `.` (`user.`). */
  readonly action?: string;
  readonly service?: string;
  /** Restricts to these services (non-administrators: the registries they are responsible for). */
  readonly services?: readonly string[];
  readonly source?: 'registry' | 'authority';
  readonly outcome?: AuditLogTable['outcome'];
  /** Epoch ms, inclusive. */
  readonly since?: number;
  /** Epoch ms, exclusive. */
  readonly until?: number;
}

export interface AuditPage {
  readonly entries: AuditRecord[];
  readonly total: number;
  readonly page: number;
  readonly perPage: number;
}

export function applyFilter<O>(
  query: SelectQueryBuilder<Database, 'audit_log', O>,
  f: AuditQuery,
): SelectQueryBuilder<Database, 'audit_log', O> {
  let q = query;
  if (f.principal !== undefined) q = q.where('actor', '=', f.principal);
  if (f.actorKind !== undefined) q = q.where('actor_kind', '=', f.actorKind);
  if (f.repository !== undefined) q = q.where('repository', '=', f.repository);
  if (f.tag !== undefined) q = q.where('tag', '=', f.tag);
  if (f.digest !== undefined) q = q.where('digest', '=', f.digest);
  if (f.action !== undefined) {
    const action = f.action;
    q = action.endsWith('.')
      ? q.where('action', 'like', `${action.replace(/[%_\\]/g, '')}%`)
      : q.where('action', '=', action);
  }
  if (f.service !== undefined) q = q.where('service', '=', f.service);
  if (f.services !== undefined) {
    const services = [...f.services];
    q = services.length === 0 ? q.where((eb) => eb.val(1), '=', 0) : q.where('service', 'in', services);
  }
  if (f.source !== undefined) q = q.where('source', '=', f.source);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
  if (f.since !== undefined) q = q.where('time', '>=', f.since);
  if (f.until !== undefined) q = q.where('time', '<', f.until);
  return q;
}
