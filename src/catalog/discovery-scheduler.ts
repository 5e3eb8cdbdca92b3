/**
 * Runs discovery in the background: every registry is synced when its interval
 * (`registries.sync_interval` seconds, default 120) has passed since its last run, and once at
 * start, so repositories pushed while Purser was stopped are found. One run per registry at a
 * time; stops on shutdown.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../store/schema.ts';
import type { CatalogServices } from './catalog-services.ts';
import { indexChanged, syncRegistry } from './discovery.ts';
import { listRegistries } from './registry-lookup.ts';

export const DEFAULT_SYNC_INTERVAL_SECONDS = 120;

export interface DiscoverySchedulerOptions {
  /** How often due registries are looked for. Default 5 s. */
  tickMs?: number;
  /** Default interval for registries without sync_interval. */
  defaultIntervalSeconds?: number;
}

/** What the scheduler works with (the composed runtime has all of it). */
export interface DiscoveryDeps {
  readonly db: Kysely<Database>;
  readonly catalog: Pick<CatalogServices, 'searchIndex' | 'tokens'>;
  readonly logger: Logger;
  /** Stops the scheduler and the runs in progress (shutdown). */
  readonly shutdown: AbortSignal;
  /** Where each run is counted (the runtime's PurserMetrics); not counted when absent. */
  readonly metrics?: DiscoveryMetrics;
}

export interface DiscoveryMetrics {
  discoveryRun(event: {
    readonly registry: string;
    readonly result: 'complete' | 'partial' | 'failed';
    readonly seconds: number;
    readonly errors: number;
  }): void;
}

export function startDiscoveryScheduler(
  deps: DiscoveryDeps,
  options: DiscoverySchedulerOptions = {},
): () => Promise<void> {
  const tickMs = options.tickMs ?? 5_000;
  const defaultInterval = options.defaultIntervalSeconds ?? DEFAULT_SYNC_INTERVAL_SECONDS;
  const lastRun = new Map<number, number>();
  const running = new Map<number, Promise<void>>();
  const controller = new AbortController();
  const signal = AbortSignal.any([controller.signal, deps.shutdown]);
  const services = deps.catalog;
  let ticking: Promise<void> = Promise.resolve();

  const tick = async () => {
    if (signal.aborted) return;
    const registries = await listRegistries(deps.db);
    const now = Date.now();
    for (const registry of registries) {
      if (running.has(registry.id)) continue;
      const interval = (registry.syncInterval ?? defaultInterval) * 1000;
      const last = lastRun.get(registry.id);
      if (last !== undefined && now - last < interval) continue;
      lastRun.set(registry.id, now);
      const run = syncRegistry(deps.db, registry, services.tokens(registry.service), { signal })
        .then((report) => {
          // Reload now only when something changed: a failed or idle run must not make the
          // index read every repository again (seconds and twice the memory at a million).
          if (indexChanged(report)) services.searchIndex.invalidate();
          deps.metrics?.discoveryRun({
            registry: registry.service,
            result: report.failures > 0 ? 'partial' : 'complete',
            seconds: report.durationMs / 1000,
            errors: report.failures,
          });
          const log =
            report.failures > 0 ? deps.logger.warn.bind(deps.logger) : deps.logger.info.bind(deps.logger);
          log(
            {
              service: report.service,
              repositories: report.repositories,
              failures: report.failures,
              durationMs: report.durationMs,
              firstError: report.errors[0],
            },
            'registry discovery finished',
          );
        })
        .catch((error: unknown) => {
          deps.metrics?.discoveryRun({
            registry: registry.service,
            result: 'failed',
            seconds: (Date.now() - now) / 1000,
            errors: 1,
          });
          deps.logger.warn({ err: error, service: registry.service }, 'registry discovery failed');
        })
        .finally(() => running.delete(registry.id));
      running.set(registry.id, run);
    }
  };

  const schedule = () => {
    ticking = ticking
      .then(tick)
      .catch((error: unknown) => deps.logger.warn({ err: error }, 'discovery scheduler tick failed'));
  };
  schedule();
  const timer = setInterval(schedule, tickMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    controller.abort();
    await ticking;
    await Promise.all(running.values());
  };
}
