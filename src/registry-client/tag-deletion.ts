/**
 * Deleting tags without collateral damage.
 *
 * Distribution can only delete a manifest by digest, and that removes every tag pointing to it.
 * So for each digest: if every tag that points to it is being deleted, delete the digest once;
 * otherwise re-point each doomed tag at a unique throwaway manifest and delete that one, which
 * leaves the sibling tags (and the original manifest) alone.
 */
import type { RegistryClient } from './registry-client.ts';
import { RegistryDeleteDisabled } from './registry-request-error.ts';
import { OCI_MANIFEST_TYPE, throwawayImage } from './throwaway-manifest.ts';

export type TagDeletionStep =
  /** Every tag sharing `digest` goes: one DELETE by digest. */
  | { readonly kind: 'delete-digest'; readonly digest: string; readonly tags: readonly string[] }
  /** `tag` shares `digest` with tags that stay: re-point it at a throwaway, delete that. */
  | {
      readonly kind: 'retarget';
      readonly tag: string;
      readonly digest: string;
      readonly keeps: readonly string[];
    };

export interface TagDeletionPlan {
  readonly repository: string;
  readonly steps: readonly TagDeletionStep[];
  /** Requested tags the registry does not have. */
  readonly missing: readonly string[];
}

/**
 * Reads the repository's current tags and digests from the registry (not from the index, which
 * may be stale) and plans the deletion of `tags`.
 */
export async function planTagDeletion(
  client: RegistryClient,
  repository: string,
  tags: readonly string[],
  concurrency = 8,
): Promise<TagDeletionPlan> {
  const all = await client.listTags(repository);
  const digests = new Map<string, string>();
  await forEachLimit(all, concurrency, async (tag) => {
    const head = await client.headManifest(repository, tag);
    if (head) digests.set(tag, head.digest);
  });
  const wanted = new Set(tags);
  const missing = tags.filter((t) => !digests.has(t));
  const byDigest = new Map<string, string[]>();
  for (const [tag, digest] of digests) {
    const list = byDigest.get(digest) ?? [];
    list.push(tag);
    byDigest.set(digest, list);
  }
  const steps: TagDeletionStep[] = [];
  for (const [digest, sharing] of [...byDigest].sort((a, b) => a[0].localeCompare(b[0]))) {
    const doomed = sharing.filter((t) => wanted.has(t)).sort();
    if (doomed.length === 0) continue;
    const keeps = sharing.filter((t) => !wanted.has(t)).sort();
    if (keeps.length === 0) steps.push({ kind: 'delete-digest', digest, tags: doomed });
    else for (const tag of doomed) steps.push({ kind: 'retarget', tag, digest, keeps });
  }
  return { repository, steps, missing };
}

export interface TagDeletionResult {
  readonly deleted: readonly string[];
  /** Throwaway digests created and deleted (their events show up in the audit log). */
  readonly throwaways: readonly string[];
}

/** Carries out a plan. Checks delete support first so nothing is re-pointed on a read-only registry. */
export async function executeTagDeletion(
  client: RegistryClient,
  service: string,
  plan: TagDeletionPlan,
): Promise<TagDeletionResult> {
  if (plan.steps.length === 0) return { deleted: [], throwaways: [] };
  if (!(await client.deleteSupported(plan.repository))) throw new RegistryDeleteDisabled(service);
  const deleted: string[] = [];
  const throwaways: string[] = [];
  for (const step of plan.steps) {
    if (step.kind === 'delete-digest') {
      await client.deleteManifest(plan.repository, step.digest);
      deleted.push(...step.tags);
      continue;
    }
    const image = throwawayImage(`delete ${plan.repository}:${step.tag}`);
    await client.pushBlob(plan.repository, image.configDigest, image.config);
    // Re-check right before re-pointing: the tag may have moved since planning.
    const current = await client.headManifest(plan.repository, step.tag);
    if (!current) continue;
    const digest =
      (await client.putManifest(plan.repository, step.tag, OCI_MANIFEST_TYPE, image.manifest)) ||
      image.manifestDigest;
    await client.deleteManifest(plan.repository, digest);
    throwaways.push(digest);
    deleted.push(step.tag);
  }
  return { deleted, throwaways };
}

async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  });
  await Promise.all(workers);
}
