/**
 * Pulls and pushes over time per registry (the console's chart): registry events counted per
 * time bucket. Integer division of the epoch-ms `time` column buckets the same way on SQLite
 * and PostgreSQL (both divide bigint integers exactly).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.ts';
import { type AuditQuery, applyFilter } from './audit-query.ts';

export interface ActivityPoint {
  /** Start of the bucket, ISO 8601. */
  readonly start: string;
  readonly service: string;
  readonly action: 'pull' | 'push';
  readonly count: number;
}

export async function auditActivity(
  db: Kysely<Database>,
  filter: AuditQuery,
  bucketMs: number,
): Promise<ActivityPoint[]> {
  const bucket = sql<number>`(time / ${sql.lit(bucketMs)})`;
  const rows = await applyFilter(db.selectFrom('audit_log'), filter)
    .where('action', 'in', ['pull', 'push'])
    .where('service', 'is not', null)
    .select([bucket.as('bucket'), 'service', 'action', db.fn.countAll<number>().as('count')])
    .groupBy([bucket, 'service', 'action'])
    .orderBy(bucket)
    .execute();
  return rows.map((r) => ({
    start: new Date(Number(r.bucket) * bucketMs).toISOString(),
    service: r.service ?? '',
    action: r.action as 'pull' | 'push',
    count: Number(r.count),
  }));
}
