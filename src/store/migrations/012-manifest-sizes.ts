/**
 * 012: the size of each image a manifest digest names (`manifest_sizes`): its config plus its
 * layers, in bytes, as the manifest states them. A digest names the same bytes on every
 * registry, so a size once measured never changes; `size` is null for an image index (a
 * multi-platform list has no single size).
 */
import type { StoreAdapter } from '../database.ts';
import type { MigrationDb } from './index.ts';

export async function up(db: MigrationDb, _adapter: StoreAdapter): Promise<void> {
  await db.schema
    .createTable('manifest_sizes')
    .addColumn('digest', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('size', 'bigint')
    .addColumn('measured_at', 'bigint', (c) => c.notNull())
    .execute();
}
