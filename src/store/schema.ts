/**
 * Table types of the store, one interface per aggregate file, joined here for Kysely.
 * Conventions for both dialects: booleans are 0/1 integers, times are epoch milliseconds in
 * bigint columns, lists are JSON text.
 */

import type { AuditTables } from './audit-tables.ts';
import type { CatalogTables } from './catalog-tables.ts';
import type { ConsoleTables } from './console-tables.ts';
import type { CoreTables } from './core-tables.ts';
import type { VaultTables } from './vault-tables.ts';

export interface MigrationTable {
  name: string;
  applied_at: number;
}

export interface Database extends CoreTables, VaultTables, CatalogTables, AuditTables, ConsoleTables {
  purser_migrations: MigrationTable;
}
