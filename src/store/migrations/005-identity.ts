/**
 * Identity: a never-reused principal id on users, services, robots and refresh tokens (a
 * re-created namesake gets a new one, so an old refresh token or API Bearer token cannot pass
 * for it), the identity source a user is bound to, and OIDC people's CLI secrets.
 */
import type { StoreAdapter } from '../database.ts';
import type { MigrationDb } from './index.ts';

const PRINCIPAL_TABLES = ['users', 'services', 'robots'] as const;

export async function up(db: MigrationDb, _adapter: StoreAdapter): Promise<void> {
  const s = db.schema;
  for (const table of PRINCIPAL_TABLES) {
    await s.alterTable(table).addColumn('principal_id', 'varchar(32)').execute();
    const rows = await db.selectFrom(table).select('id').execute();
    for (const row of rows) {
      // Rows made before this migration get `m005-<table>-<id>`: unique, and never given again,
      // since every principal created afterwards gets a random id (store/principal-id.ts).
      await db
        .updateTable(table)
        .set({ principal_id: `m005-${table}-${row.id}` })
        .where('id', '=', row.id)
        .execute();
    }
    await s.createIndex(`${table}_principal_id`).on(table).column('principal_id').unique().execute();
  }
  await s.alterTable('users').addColumn('source', 'varchar(100)').execute();
  await s.alterTable('users').addColumn('external_id', 'text').execute();
  await s.alterTable('refresh_tokens').addColumn('principal_id', 'varchar(32)').execute();
  // Existing refresh tokens keep working for the principal they were issued to.
  for (const [kind, table] of [
    ['user', 'users'],
    ['service', 'services'],
    ['robot', 'robots'],
  ] as const) {
    const owners = await db.selectFrom(table).select(['name', 'principal_id']).execute();
    for (const owner of owners) {
      await db
        .updateTable('refresh_tokens')
        .set({ principal_id: owner.principal_id })
        .where('principal_kind', '=', kind)
        .where('principal_name', '=', owner.name)
        .execute();
    }
  }
  await s
    .createTable('identity_cli_secrets')
    .addColumn('source', 'varchar(100)', (c) => c.notNull())
    .addColumn('username', 'varchar(255)', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('identity_cli_secrets_pk', ['source', 'username'])
    .execute();
}
