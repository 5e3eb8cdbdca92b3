import type { StoreAdapter } from '../database.ts';
import type { MigrationDb } from './index.ts';

/** Catalog tables (events, audit, repositories). */
export async function up(_db: MigrationDb, _adapter: StoreAdapter): Promise<void> {}
