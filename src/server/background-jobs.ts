/**
 * Periodic work of a running server. In every process: pick up model and key changes made by
 * the CLI, another worker or replica, or a rotation, at once through the store's change feed
 * (file watch on SQLite, LISTEN/NOTIFY on PostgreSQL), with a slow poll as the safety net. In
 * one process only (`jobs`): registry discovery and the audit prune (compaction of repeated
 * token grants and retention, 1 minute after start, then every 5), and the deletion of console
 * sessions that ended by idling (every 10 minutes; lookups refuse them anyway).
 */

import { type Caller, LOCAL_ADMINISTRATOR } from '../app/caller.ts';
import type { Runtime } from '../app/compose.ts';
import type { AuditRetention } from '../audit/audit-prune.ts';
import { startDiscoveryScheduler } from '../catalog/discovery-scheduler.ts';
import { openChangeFeed } from '../store/change-feed.ts';

/** The safety net when a change notification is lost. */
export const SLOW_POLL_MS = 10_000;
export const AUDIT_PRUNE_MS = 5 * 60_000;
/** The server's own maintenance acts as the local administrator. */
const MAINTENANCE: Caller = { principal: LOCAL_ADMINISTRATOR };

export interface BackgroundJobOptions {
  readonly databaseUrl: string | undefined;
  /** Run discovery here (one process of a cluster does). */
  readonly jobs: boolean;
  /** Audit retention (the prune runs with the jobs). */
  readonly retention?: AuditRetention;
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
    dataVersion: runtime.database.dataVersion,
    onChange: refresh,
    onError: (error) => runtime.logger.warn({ err: error }, 'change notification unavailable; polling'),
  });
  const timer = setInterval(refresh, SLOW_POLL_MS);
  timer.unref();
  const stops: (() => Promise<void> | void)[] = options.jobs ? [startDiscoveryScheduler(runtime)] : [];
  if (options.jobs && options.retention) stops.push(startAuditPrune(runtime, options.retention));
  if (options.jobs) {
    const sweeper = setInterval(() => {
      runtime.services.sessions
        .sweep()
        .catch((error: unknown) => runtime.logger.warn({ err: error }, 'console session sweep failed'));
    }, 600_000);
    sweeper.unref();
    stops.push(() => clearInterval(sweeper));
  }
  return async () => {
    clearInterval(timer);
    await feed.close();
    await running;
    for (const stop of stops) await stop();
  };
}

function startAuditPrune(runtime: Runtime, retention: AuditRetention): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const prune = () => {
    running = running
      .then(async () => {
        const summary = await runtime.services.audit.prune(MAINTENANCE, retention);
        if (summary.compacted + summary.expired + summary.trimmed > 0)
          runtime.logger.info(summary, 'audit log pruned');
      })
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'audit prune failed'));
  };
  const first = setTimeout(prune, 60_000);
  const timer = setInterval(prune, AUDIT_PRUNE_MS);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
