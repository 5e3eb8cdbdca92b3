export { type CatalogServices, selfTokens } from './catalog-services.ts';
export { lastSync, type SyncOptions, type SyncProgress, type SyncReport, syncRegistry } from './discovery.ts';
export {
  DEFAULT_SYNC_INTERVAL_SECONDS,
  type DiscoverySchedulerOptions,
  startDiscoveryScheduler,
} from './discovery-scheduler.ts';
export { type IngestResult, ingestRegistryEvents } from './event-ingest.ts';
export { checkNotifySecret, ensureNotifySecret, NOTIFY_SECRET_HEADER } from './notify-secret.ts';
export { parseEnvelope, type RegistryEvent } from './registry-event.ts';
export { mayPull, mayPush } from './repository-access.ts';
export { type SearchOutcome, searchRepositories } from './search.ts';
export { SearchIndex } from './search-index.ts';
export {
  deleteTags,
  splitTagReference,
  type TagDeletionOutcome,
  type TagDeletionRequest,
} from './tag-service.ts';
