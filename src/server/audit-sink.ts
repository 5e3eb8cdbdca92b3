/**
 * Where audit entries are stored: the audit log shared with registry events (src/catalog).
 */
import { AuditLog } from '../catalog/audit-log.ts';
import type { AuditEntry } from '../domain/audit.ts';
import type { DatabaseHandle } from '../store/database.ts';
import type { BatchAuditSink } from './buffered-audit.ts';

/** `onWriteError` receives each entry the store refused, so the caller can keep it elsewhere. */
export function createAuditSink(
  handle: DatabaseHandle,
  onWriteError?: (error: unknown, entry: AuditEntry) => void,
): BatchAuditSink {
  return new AuditLog(handle.db, { rows: handle.rows, ...(onWriteError ? { onError: onWriteError } : {}) });
}
