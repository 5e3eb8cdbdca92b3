import type { StoreAdapter } from '../database.ts';
import { serialId } from './columns.ts';
import type { MigrationDb } from './index.ts';

/** Catalog tables (audit log with registry events, repository index, sync state). */
export async function up(db: MigrationDb, adapter: StoreAdapter): Promise<void> {
  const s = db.schema;
  await serialId(s.createTable('audit_log'), adapter)
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('source', 'varchar(20)', (c) => c.notNull())
    .addColumn('event_id', 'varchar(255)')
    .addColumn('action', 'varchar(100)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('actor_kind', 'varchar(20)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(20)', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('service', 'varchar(255)')
    .addColumn('repository', 'varchar(255)')
    .addColumn('tag', 'varchar(255)')
    .addColumn('digest', 'varchar(255)')
    .addColumn('media_type', 'varchar(255)')
    .addColumn('size', 'bigint')
    .addColumn('source_address', 'varchar(255)')
    .addColumn('user_agent', 'text')
    .addColumn('details', 'text')
    .execute();
  // Dedupe of registry events: the same event id from the same registry is stored once.
  // (NULL event ids, the authority's own entries, never collide in either dialect.)
  await s.createIndex('audit_log_event').on('audit_log').columns(['service', 'event_id']).unique().execute();
  await s.createIndex('audit_log_time').on('audit_log').column('time').execute();
  await s.createIndex('audit_log_actor').on('audit_log').columns(['actor', 'time']).execute();
  await s.createIndex('audit_log_repository').on('audit_log').columns(['repository', 'time']).execute();
  await s.createIndex('audit_log_digest').on('audit_log').columns(['digest', 'time']).execute();
  await serialId(s.createTable('repositories'), adapter)
    .addColumn('registry_id', 'integer', (c) => c.notNull().references('registries.id').onDelete('cascade'))
    .addColumn('name', 'varchar(255)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('star_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('official', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('automated', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('empty', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_push_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('repositories_registry_name', ['registry_id', 'name'])
    .execute();
  await s
    .createTable('repository_tags')
    .addColumn('repository_id', 'integer', (c) =>
      c.notNull().references('repositories.id').onDelete('cascade'),
    )
    .addColumn('tag', 'varchar(128)', (c) => c.notNull())
    .addColumn('digest', 'varchar(255)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('repository_tags_pk', ['repository_id', 'tag'])
    .execute();
  await s.createIndex('repository_tags_digest').on('repository_tags').columns(['digest']).execute();
  await s
    .createTable('repository_stars')
    .addColumn('repository_id', 'integer', (c) =>
      c.notNull().references('repositories.id').onDelete('cascade'),
    )
    .addColumn('principal', 'varchar(300)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('repository_stars_pk', ['repository_id', 'principal'])
    .execute();
  await s
    .createTable('registry_sync')
    .addColumn('registry_id', 'integer', (c) =>
      c.primaryKey().references('registries.id').onDelete('cascade'),
    )
    .addColumn('state', 'varchar(20)', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('repositories', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
}
