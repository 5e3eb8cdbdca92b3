/**
 * One ordered list of migrations for both dialects. Each migration is a module of its own
 * (`NNN-name.ts`) exporting `up(db, adapter)`. Applied names are recorded in `purser_migrations`;
 * several replicas starting at once serialize on the table's primary key.
 */
import { type Kysely, sql } from 'kysely';
import type { StoreAdapter } from '../database.ts';
import type { Database } from '../schema.ts';
import * as core from './001-core.ts';
import * as vault from './002-vault.ts';
import * as catalog from './003-catalog.ts';
import * as consoleSessions from './004-console-sessions.ts';
import * as identity from './005-identity.ts';
import * as loginUnlock from './006-login-unlock.ts';
import * as mintedTokens from './007-minted-tokens.ts';
import * as auditJournal from './009-audit-journal.ts';
import * as oidcRefreshTokens from './010-oidc-refresh-tokens.ts';
import * as manifestSizes from './012-manifest-sizes.ts';

export type MigrationDb = Kysely<Database>;

export interface Migration {
  readonly name: string;
  up(db: MigrationDb, adapter: StoreAdapter): Promise<void>;
}

export const MIGRATIONS: readonly Migration[] = [
  { name: '001-core', up: core.up },
  { name: '002-vault', up: vault.up },
  { name: '003-catalog', up: catalog.up },
  { name: '004-console-sessions', up: consoleSessions.up },
  { name: '005-identity', up: identity.up },
  { name: '006-login-unlock', up: loginUnlock.up },
  { name: '007-minted-tokens', up: mintedTokens.up },
  { name: '009-audit-journal', up: auditJournal.up },
  { name: '010-oidc-refresh-tokens', up: oidcRefreshTokens.up },
  { name: '012-manifest-sizes', up: manifestSizes.up },
];

export async function migrateToLatest(db: MigrationDb, adapter: StoreAdapter): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Serialize concurrent replicas: one applies, the others wait, then see it applied.
    // The lock comes first: even CREATE TABLE IF NOT EXISTS races on PostgreSQL.
    if (adapter.dialect === 'postgres') await sql`select pg_advisory_xact_lock(74201)`.execute(trx);
    await trx.schema
      .createTable('purser_migrations')
      .ifNotExists()
      .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    await applyPending(trx, adapter);
  });
}

async function applyPending(db: MigrationDb, adapter: StoreAdapter): Promise<void> {
  const rows = await db.selectFrom('purser_migrations').select('name').execute();
  const applied = new Set(rows.map((r) => r.name));
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.name)) continue;
    await migration.up(db, adapter);
    await db
      .insertInto('purser_migrations')
      .values({ name: migration.name, applied_at: Date.now() })
      .execute();
  }
}

/** Migrations this build knows that the database has not recorded (empty when up to date). */
export async function pendingMigrations(db: MigrationDb): Promise<string[]> {
  const rows = await db.selectFrom('purser_migrations').select('name').execute();
  const applied = new Set(rows.map((r) => r.name));
  return MIGRATIONS.filter((m) => !applied.has(m.name)).map((m) => m.name);
}
