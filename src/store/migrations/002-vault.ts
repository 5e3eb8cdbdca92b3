import type { StoreAdapter } from '../database.ts';
import { serialId } from './columns.ts';
import type { MigrationDb } from './index.ts';

/** Vault tables (credential vault): environments, sealed credentials, environment grants. */
export async function up(db: MigrationDb, adapter: StoreAdapter): Promise<void> {
  const s = db.schema;
  await s
    .createTable('vault_environments')
    .addColumn('name', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('default_registry', 'varchar(255)')
    .addColumn('allowlist', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(255)', (c) => c.notNull())
    .execute();
  await serialId(s.createTable('vault_credentials'), adapter)
    .addColumn('environment', 'varchar(255)', (c) =>
      c.notNull().references('vault_environments.name').onDelete('cascade'),
    )
    .addColumn('address', 'varchar(255)', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('email', 'text')
    .addColumn('kind', 'varchar(50)', (c) => c.notNull())
    .addColumn('state', 'varchar(20)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('check_status', 'varchar(20)')
    .addColumn('check_message', 'text')
    .addColumn('checked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('secret_changed_at', 'bigint')
    .addUniqueConstraint('vault_credentials_env_address', ['environment', 'address'])
    .execute();
  await s
    .createTable('vault_grants')
    .addColumn('environment', 'varchar(255)', (c) =>
      c.notNull().references('vault_environments.name').onDelete('cascade'),
    )
    .addColumn('principal_kind', 'varchar(10)', (c) => c.notNull())
    .addColumn('principal_name', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addPrimaryKeyConstraint('vault_grants_pk', ['environment', 'principal_kind', 'principal_name'])
    .execute();
}
