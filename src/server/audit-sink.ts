/**
 * Where audit entries are stored: the audit log shared with registry events (src/catalog).
 */
import type { Kysely } from 'kysely';
import { AuditLog } from '../catalog/audit-log.ts';
import type { Database } from '../store/schema.ts';
import type { BatchAuditSink } from './buffered-audit.ts';

export function createAuditSink(db: Kysely<Database>): BatchAuditSink {
  return new AuditLog(db);
}
