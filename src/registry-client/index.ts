export { parseNextLink } from './link-header.ts';
export {
  MANIFEST_ACCEPT,
  type ManifestDocument,
  type ManifestHead,
  RegistryClient,
  type RegistryClientOptions,
  type TokenSource,
} from './registry-client.ts';
export { RegistryDeleteDisabled, RegistryRequestError } from './registry-request-error.ts';
export {
  executeTagDeletion,
  planTagDeletion,
  type TagDeletionPlan,
  type TagDeletionResult,
  type TagDeletionStep,
} from './tag-deletion.ts';
export { type ThrowawayImage, throwawayImage } from './throwaway-manifest.ts';
