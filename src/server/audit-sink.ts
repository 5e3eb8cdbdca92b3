/**
 * Where audit entries are stored: the audit log shared with registry events (src/catalog).
 */
import { AuditLog } from '../catalog/audit-log.ts';
import type { DatabaseHandle } from '../store/database.ts';
import type { BatchAuditSink } from './buffered-audit.ts';

export function createAuditSink(handle: DatabaseHandle): BatchAuditSink {
  return new AuditLog(handle.db, { rows: handle.rows });
}
