import type { StoreAdapter } from '../database.ts';
import type { MigrationDb } from './index.ts';

/** Vault tables (credential vault). */
export async function up(_db: MigrationDb, _adapter: StoreAdapter): Promise<void> {}
