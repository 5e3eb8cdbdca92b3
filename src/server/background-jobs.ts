/**
 * Periodic work of a running server: pick up model and key changes made by the CLI, the API
 * of another replica, or a rotation (every 2 s), registry discovery, and the audit prune
 * (compaction of repeated token grants and retention, 1 minute after start, then every 5).
 */

import { type Caller, LOCAL_ADMINISTRATOR } from '../app/caller.ts';
import type { Runtime } from '../app/compose.ts';
import type { AuditRetention } from '../audit/audit-prune.ts';
import { startDiscoveryScheduler } from '../catalog/discovery-scheduler.ts';

export const AUDIT_PRUNE_MS = 5 * 60_000;
/** The server's own maintenance acts as the local administrator. */
const MAINTENANCE: Caller = { principal: LOCAL_ADMINISTRATOR };

export function startBackgroundJobs(runtime: Runtime, retention?: AuditRetention): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => runtime.authority.refresh())
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'model refresh failed'));
  }, 2_000);
  timer.unref();
  const stops: (() => Promise<void> | void)[] = [startDiscoveryScheduler(runtime)];
  if (retention) stops.push(startAuditPrune(runtime, retention));
  return async () => {
    clearInterval(timer);
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
