/**
 * Where audit entries are stored. Registry integration provides the audit log
 * (src/catalog/audit-log.ts); until it is wired, entries go nowhere.
 */
import type { Kysely } from 'kysely';
import { NULL_AUDIT } from '../domain/audit.ts';
import type { Database } from '../store/schema.ts';
import type { BatchAuditSink } from './buffered-audit.ts';

export function createAuditSink(_db: Kysely<Database>): BatchAuditSink {
  return NULL_AUDIT;
}
