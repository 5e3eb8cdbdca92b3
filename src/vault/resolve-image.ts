/**
 * Resolving an image name against an environment's settings: unqualified names go to the
 * default registry (when set) instead of Docker Hub, and registries outside the allowlist are
 * refused. Normalization is distribution/reference's (src/vault/image-reference.ts).
 */

import { normalizeRegistryAddress } from '../domain/registry-address.ts';
import type { EnvironmentSettings } from './environment-settings.ts';
import { isAllowed, notAllowed } from './environment-settings.ts';
import { type ImageReference, parseReference } from './image-reference.ts';

export interface ResolvedImage {
  readonly reference: ImageReference;
  /** Vault address of the registry (`docker.io` for Docker Hub). */
  readonly registry: string;
}

/** Throws BadRequest for an invalid reference and Denied for a registry outside the allowlist. */
export function resolveImage(settings: EnvironmentSettings, text: string): ResolvedImage {
  const reference = parseReference(text.trim(), { defaultRegistry: settings.defaultRegistry ?? undefined });
  const registry = normalizeRegistryAddress(reference.domain);
  if (!isAllowed(settings, registry)) throw notAllowed(settings, registry);
  return { reference, registry };
}
