import type { MigrationDb } from './index.ts';

/**
 * The refresh token an OIDC provider gave at a person's last interactive login, kept with their
 * CLI secret, sealed with the master key (AAD `oidc-refresh:<source>:<username>`), so that
 * `purser identity sync` can ask the provider again. Null: the provider gave none, or the
 * login was before this migration (the next login keeps one).
 */
export async function up(db: MigrationDb): Promise<void> {
  await db.schema.alterTable('identity_cli_secrets').addColumn('refresh_token', 'text').execute();
}
