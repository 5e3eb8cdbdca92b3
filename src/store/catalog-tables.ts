/**
 * Catalog tables: the audit log (registry events and the authority's own entries in one log),
 * the repository index that discovery and events keep fresh, and per-registry sync state.
 * Owned by registry integration (src/catalog).
 */
import type { Generated } from 'kysely';

export interface AuditLogTable {
  id: Generated<number>;
  /** Epoch ms of the event (the registry's timestamp for registry events). */
  time: number;
  /** `registry` for Distribution notifications, `authority` for Purser's own entries. */
  source: 'registry' | 'authority';
  /** Registry event id (dedupe key together with `service`); null for authority entries. */
  event_id: string | null;
  /** Registry events: push, pull, mount, delete. Authority: login, token.issue, user.create… */
  action: string;
  actor: string;
  actor_kind: 'user' | 'service' | 'robot' | 'anonymous' | 'system';
  outcome: 'success' | 'failure' | 'denied';
  target: string | null;
  service: string | null;
  repository: string | null;
  tag: string | null;
  digest: string | null;
  media_type: string | null;
  size: number | null;
  source_address: string | null;
  user_agent: string | null;
  /** JSON text (requested vs granted access, changed fields, references); never secrets. */
  details: string | null;
  /** Entries this row stands for: rows identical but for their time are kept as one (default 1). */
  count: Generated<number>;
  /** Epoch ms of the last of `count` entries (`time` is the first); null for a single entry. */
  last_time: number | null;
}

export interface RepositoriesTable {
  id: Generated<number>;
  registry_id: number;
  name: string;
  description: string;
  /** Cached count of repository_stars rows. */
  star_count: number;
  official: number;
  automated: number;
  /** 1 when the registry lists the repository but it has no tags left. */
  empty: number;
  last_push_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface RepositoryTagsTable {
  repository_id: number;
  tag: string;
  /** Manifest digest the tag pointed to when last seen; null = not resolved yet. */
  digest: string | null;
  /** Epoch ms of the event or sync that set this row (events older than this are ignored). */
  updated_at: number;
}

export interface RepositoryStarsTable {
  repository_id: number;
  /** `user:alice`, `robot:ci+builder`, `service:node1` */
  principal: string;
  created_at: number;
}

export interface RegistrySyncTable {
  registry_id: number;
  state: 'idle' | 'running';
  started_at: number | null;
  finished_at: number | null;
  /** Repositories seen in the last run. */
  repositories: number;
  /** Fetches that failed in the last run (their repositories were left as they were). */
  failures: number;
  last_error: string | null;
}

/** Image size per manifest digest (content-addressed: measured once). */
export interface ManifestSizesTable {
  digest: string;
  /** Config + layers in bytes; null for an image index (no single size). */
  size: number | null;
  measured_at: number;
}

export interface CatalogTables {
  audit_log: AuditLogTable;
  repositories: RepositoriesTable;
  repository_tags: RepositoryTagsTable;
  repository_stars: RepositoryStarsTable;
  registry_sync: RegistrySyncTable;
  manifest_sizes: ManifestSizesTable;
}
