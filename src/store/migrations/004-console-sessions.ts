import type { MigrationDb } from './index.ts';

/**
 * Console sessions: the server-side record behind the console's cookie. Only a SHA-256 of the
 * session token is stored, so a copy of the database opens no session; the CSRF token is
 * stored as is (it is no credential by itself: it is only accepted together with the cookie).
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.schema
    .createTable('console_sessions')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('principal_kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('principal_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('principal_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('credential_version', 'integer', (c) => c.notNull())
    .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('source_address', 'varchar(255)')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema
    .createIndex('console_sessions_principal')
    .on('console_sessions')
    .columns(['principal_kind', 'principal_name'])
    .execute();
}
