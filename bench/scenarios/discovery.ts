/**
 * Discovery of a real registry (docker-registry 2.8, no auth) holding 20,000 repositories x 5
 * tags (round 1: 2,000): a full sync into an empty index, then a resync with no change. The
 * registry's storage is written directly (registry-storage.ts). Same-run baseline: a bare
 * crawler (bare-crawler-worker.ts) making the same catalog, tags/list and manifest HEAD requests
 * with `fetch`, the same concurrency, no storage, against the same registry, alternating with
 * discovery. Targets: full sync <= 1.5x the crawler; resync with no change <= 10% of the full sync.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchTemp } from '../lib/dataset.ts';
import { CLIENT_CORE, hasBinary, placement, runJsonChild, SERVER_CORE } from '../lib/processes.ts';
import { startBenchRegistry } from '../lib/registry-process.ts';
import { fillRegistryStorage } from '../lib/registry-storage.ts';
import { median, round } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const WORKER = fileURLToPath(new URL('../lib/discovery-worker.ts', import.meta.url));
const CRAWLER = fileURLToPath(new URL('../lib/bare-crawler-worker.ts', import.meta.url));
const TARGET = 'full sync <= 1.5 x a bare crawler; resync with no change <= 10% of the full sync';
const MAX_RATIO = 1.5;
const MAX_RESYNC_SHARE = 0.1;
/** syncRegistry's default number of requests in flight (src/catalog/discovery.ts). */
const CONCURRENCY = 16;

interface DiscoveryResult {
  fullSeconds: number;
  resyncSeconds: number;
  full: { repositories: number; tagsAdded: number; failures: number; errors: string[] };
  resync: {
    repositories: number;
    tagsAdded: number;
    tagsRemoved: number;
    changedRepositories: number;
    failures: number;
  };
  tagsInIndex: number;
}

interface CrawlResult {
  seconds: number;
  catalogSeconds: number;
  tagsSeconds: number;
  resyncSeconds: number;
  repositories: number;
  tags: number;
  heads: number;
}

function diskUse(dir: string): string {
  try {
    return execFileSync('du', ['-sh', dir], { encoding: 'utf8' }).split('\t')[0]!.trim();
  } catch {
    return 'unknown';
  }
}

export const discovery: Scenario = {
  name: 'discovery',
  title: 'discovery of a real registry with 20,000 repositories x 5 tags, against a bare crawler',
  target: TARGET,
  async run(options) {
    if (!hasBinary('docker-registry'))
      throw new Error('docker-registry is not installed (scripts/install-test-deps.sh)');
    const repositories = options.quick ? 40 : 20_000;
    const tags = 5;
    const storage = benchTemp('registry-storage');
    const t0 = Date.now();
    fillRegistryStorage(storage, {
      repositories: Array.from({ length: repositories }, (_, i) => `team${i % 40}/service-${i}`),
      tagsPerRepository: tags,
      // Discovery reads tags through current/link only; no tag index keeps the write quick.
      tagIndex: false,
    });
    const writeSeconds = (Date.now() - t0) / 1000;
    const storageSize = diskUse(storage);
    options.log(
      `  wrote ${repositories} repositories x ${tags} tags into registry storage in ${writeSeconds.toFixed(1)} s (${storageSize} on disk)`,
    );
    const registry = await startBenchRegistry({ storage, core: CLIENT_CORE });
    const runs: DiscoveryResult[] = [];
    const crawls: CrawlResult[] = [];
    try {
      // Two rounds: one of crawl + discovery moves 120,000+ requests (minutes on 2 cores).
      const rounds = options.quick ? 1 : 2;
      for (let i = 0; i < rounds; i++) {
        const crawl = await runJsonChild<CrawlResult>(
          CRAWLER,
          { registryUrl: registry.url, concurrency: CONCURRENCY },
          { core: SERVER_CORE, timeoutMs: 1_800_000 },
        );
        if (crawl.heads !== repositories * tags)
          throw new Error(`the bare crawler saw ${crawl.heads} of ${repositories * tags} tags`);
        crawls.push(crawl);
        options.log(
          `    run ${i + 1}/${rounds}: bare crawler ${round(crawl.seconds)} s (catalog ${round(crawl.catalogSeconds)} s, tags ${round(crawl.tagsSeconds)} s, HEADs ${round(crawl.seconds - crawl.catalogSeconds - crawl.tagsSeconds)} s; again without HEADs ${round(crawl.resyncSeconds)} s)`,
        );
        const result = await runJsonChild<DiscoveryResult>(
          WORKER,
          { dataDir: benchTemp('discovery'), registryUrl: registry.url, service: 'registry.bench' },
          { core: SERVER_CORE, timeoutMs: 1_800_000 },
        );
        if (result.full.failures > 0 || result.tagsInIndex !== repositories * tags) {
          throw new Error(
            `discovery saw ${result.tagsInIndex} of ${repositories * tags} tags, ${result.full.failures} failures: ${result.full.errors.slice(0, 3).join('; ')}`,
          );
        }
        if (result.resync.tagsAdded + result.resync.tagsRemoved + result.resync.changedRepositories > 0)
          throw new Error('the resync changed the index although the registry did not change');
        runs.push(result);
        options.log(
          `    run ${i + 1}/${rounds}: discovery full ${round(result.fullSeconds)} s, resync ${round(result.resyncSeconds)} s`,
        );
      }
    } finally {
      await registry.stop();
    }
    const full = median(runs.map((r) => r.fullSeconds));
    const resync = median(runs.map((r) => r.resyncSeconds));
    const crawler = median(crawls.map((c) => c.seconds));
    const crawlerResync = median(crawls.map((c) => c.resyncSeconds));
    const ratio = full / crawler;
    const resyncShare = resync / full;
    const met = ratio <= MAX_RATIO && resyncShare <= MAX_RESYNC_SHARE;
    return {
      measured: full,
      baseline: crawler,
      baselineKind: 'measured',
      baselineLabel: `a bare fetch crawler: catalog, tags/list and manifest HEAD requests, ${CONCURRENCY} in flight, no storage, same registry`,
      ratio,
      ratioMeaning:
        'discovery full sync / bare crawler (lower is better); the resync is checked against 10% of the full sync',
      unit: 's full sync',
      baselineUnit: 's',
      target: TARGET,
      met,
      notes: [
        `${repositories} repositories x ${tags} tags (${repositories * tags} manifests resolved by HEAD); discovery (concurrency ${CONCURRENCY}) and the crawler on core ${SERVER_CORE}, registry on core ${CLIENT_CORE}, alternating; ${placement()}`,
        `resync ${round(resync)} s = ${round(resyncShare * 100)}% of the full sync (the crawler's catalog + tags without HEADs: ${round(crawlerResync)} s, the floor of a resync); median of ${runs.length} run(s)`,
        `storage written directly in ${round(writeSeconds)} s, ${storageSize} on disk`,
        'registry without auth (discovery with token auth adds one locally minted token per repository scope)',
        met
          ? ''
          : `MISSED: ${[ratio > MAX_RATIO ? `full ${round(ratio)}x the crawler > ${MAX_RATIO}x` : '', resyncShare > MAX_RESYNC_SHARE ? `resync ${round(resyncShare * 100)}% of the full sync > 10%` : ''].filter(Boolean).join('; ')}`,
      ]
        .filter(Boolean)
        .join('; '),
      details: {
        resyncSeconds: resync,
        resyncShareOfFull: resyncShare,
        crawlerResyncSeconds: crawlerResync,
        fullRuns: runs.map((r) => round(r.fullSeconds)),
        resyncRuns: runs.map((r) => round(r.resyncSeconds)),
        crawlerRuns: crawls.map((c) => round(c.seconds)),
        crawlerCatalogSeconds: median(crawls.map((c) => c.catalogSeconds)),
        crawlerTagsSeconds: median(crawls.map((c) => c.tagsSeconds)),
        storageWriteSeconds: writeSeconds,
        storageDiskUse: storageSize,
        repositories,
        tags,
      },
    };
  },
};
