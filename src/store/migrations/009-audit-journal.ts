/**
 * 009: how far each audit journal has been applied (`audit_journal_marks`, written in the same
 * transaction as the rows, so a replay after a crash inserts each entry exactly once), and the
 * compact form of repeated entries: `count` rows identical but for their time, from `time` (the
 * first) to `last_time` (the last; null for a single entry).
 */
import type { StoreAdapter } from '../database.ts';
import type { MigrationDb } from './index.ts';

export async function up(db: MigrationDb, _adapter: StoreAdapter): Promise<void> {
  const s = db.schema;
  await s
    .createTable('audit_journal_marks')
    .addColumn('journal', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await s
    .alterTable('audit_log')
    .addColumn('count', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await s.alterTable('audit_log').addColumn('last_time', 'bigint').execute();
}
