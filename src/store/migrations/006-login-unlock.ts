import type { MigrationDb } from './index.ts';

/** `purser user unlock`: when a user's throttled logins were last forgotten (epoch ms, 0 = never). */
export async function up(db: MigrationDb): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('unlocked_at', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
}
