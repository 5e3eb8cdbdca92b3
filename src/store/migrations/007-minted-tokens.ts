import type { MigrationDb } from './index.ts';

/**
 * Minted cloud tokens (ECR, GCP, ACR), sealed, one row per vault credential, so that a restart or
 * the next helper process does not mint again; the lease lets one process mint while the others
 * wait for its token.
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.schema
    .createTable('vault_minted_tokens')
    .addColumn('key', 'varchar(600)', (c) => c.primaryKey())
    .addColumn('sealed', 'text')
    .addColumn('lease_owner', 'varchar(100)')
    .addColumn('lease_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
