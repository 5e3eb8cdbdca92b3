/**
 * Periodic work of a running server. In every process: pick up model and key changes made by
 * the CLI, another worker or replica, or a rotation, at once through the store's change feed
 * (file watch on SQLite, LISTEN/NOTIFY on PostgreSQL), with a slow poll as the safety net. In
 * one process only (`jobs`): registry discovery.
 */

import type { Runtime } from '../app/compose.ts';
import { startDiscoveryScheduler } from '../catalog/discovery-scheduler.ts';
import { openChangeFeed } from '../store/change-feed.ts';

/** The safety net when a change notification is lost. */
export const SLOW_POLL_MS = 10_000;

export interface BackgroundJobOptions {
  readonly databaseUrl: string | undefined;
  /** Run discovery here (one process of a cluster does). */
  readonly jobs: boolean;
}

export async function startBackgroundJobs(
  runtime: Runtime,
  options: BackgroundJobOptions,
): Promise<() => Promise<void>> {
  let running: Promise<void> = Promise.resolve();
  let queued = false;
  const refresh = () => {
    if (queued) return;
    queued = true;
    running = running
      .then(() => {
        queued = false;
        return runtime.authority.refresh();
      })
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'model refresh failed'));
  };
  const feed = await openChangeFeed({
    dataDir: runtime.dataDir,
    databaseUrl: options.databaseUrl,
    onChange: refresh,
    onError: (error) => runtime.logger.warn({ err: error }, 'change notification unavailable; polling'),
  });
  const timer = setInterval(refresh, SLOW_POLL_MS);
  timer.unref();
  const stops: (() => Promise<void> | void)[] = options.jobs ? [startDiscoveryScheduler(runtime)] : [];
  return async () => {
    clearInterval(timer);
    await feed.close();
    await running;
    for (const stop of stops) await stop();
  };
}
