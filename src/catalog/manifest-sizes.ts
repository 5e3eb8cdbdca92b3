/**
 * The size of the image a tag points to: its config plus its layers, as the manifest states
 * them (what a pull transfers, compressed). Measured from the registry the first time a digest
 * is shown and kept in `manifest_sizes`: a digest names the same bytes forever, so the record
 * never goes stale. An image index (multi-platform) has no single size: null. A digest the
 * registry cannot serve right now stays unknown (absent from the answer) and is asked again
 * next time.
 */
import type { Kysely } from 'kysely';
import { RegistryClient, type TokenSource } from '../registry-client/registry-client.ts';
import type { Database } from '../store/schema.ts';

/** Config + layers of an image manifest; null for an index or a manifest without sizes. */
export function imageSize(body: Buffer | string): number | null {
  let manifest: unknown;
  try {
    manifest = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return null;
  }
  if (!manifest || typeof manifest !== 'object') return null;
  const m = manifest as { config?: { size?: unknown }; layers?: unknown };
  if (!m.config || typeof m.config.size !== 'number' || !Array.isArray(m.layers)) return null;
  let total = m.config.size;
  for (const layer of m.layers as { size?: unknown }[]) {
    if (typeof layer?.size !== 'number') return null;
    total += layer.size;
  }
  return Number.isSafeInteger(total) && total >= 0 ? total : null;
}

export interface MeasureOptions {
  /** Digests measured from the registry per call; the rest wait for the next. Default 50. */
  readonly limit?: number;
  /** Parallel manifest reads. Default 4. */
  readonly concurrency?: number;
}

/** Known sizes of `digests`, measuring (and recording) the unknown ones from the registry. */
export async function manifestSizes(
  db: Kysely<Database>,
  client: RegistryClient | undefined,
  repository: string,
  digests: readonly string[],
  options: MeasureOptions = {},
): Promise<Map<string, number | null>> {
  const wanted = [...new Set(digests)];
  const sizes = new Map<string, number | null>();
  if (wanted.length === 0) return sizes;
  for (let i = 0; i < wanted.length; i += 500) {
    const rows = await db
      .selectFrom('manifest_sizes')
      .select(['digest', 'size'])
      .where('digest', 'in', wanted.slice(i, i + 500))
      .execute();
    for (const row of rows) sizes.set(row.digest, row.size === null ? null : Number(row.size));
  }
  if (!client) return sizes;
  const unknown = wanted.filter((d) => !sizes.has(d)).slice(0, options.limit ?? 50);
  const measured: { digest: string; size: number | null }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < unknown.length) {
      const digest = unknown[next++]!;
      const manifest = await client.getManifest(repository, digest).catch(() => undefined);
      if (!manifest) continue;
      const size = imageSize(manifest.body);
      sizes.set(digest, size);
      measured.push({ digest, size });
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, unknown.length) }, worker));
  if (measured.length > 0) {
    const now = Date.now();
    await db
      .insertInto('manifest_sizes')
      .values(measured.map((m) => ({ digest: m.digest, size: m.size, measured_at: now })))
      .onConflict((oc) => oc.column('digest').doNothing())
      .execute();
  }
  return sizes;
}

/**
 * `manifestSizes` against a registry, within 2.5 s in all: a page never waits long for sizes
 * (a registry that does not answer leaves them unknown until the next view).
 */
export function imageSizes(
  db: Kysely<Database>,
  registry: { readonly url: string; readonly insecure: boolean },
  tokens: TokenSource,
  repository: string,
  digests: readonly string[],
): Promise<Map<string, number | null>> {
  const client = new RegistryClient({
    url: registry.url,
    tokens,
    timeoutMs: 2_500,
    signal: AbortSignal.timeout(2_500),
    userAgent: 'purser',
    insecure: registry.insecure,
  });
  return manifestSizes(db, client, repository, digests);
}
