/**
 * Periodic work of a running server: pick up model and key changes made by the CLI, the API
 * of another replica, or a rotation (every 2 s), registry discovery, and the deletion of
 * console sessions that ended by idling (every 10 minutes; lookups refuse them anyway).
 */

import type { Runtime } from '../app/compose.ts';
import { startDiscoveryScheduler } from '../catalog/discovery-scheduler.ts';

export function startBackgroundJobs(runtime: Runtime): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => runtime.authority.refresh())
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'model refresh failed'));
  }, 2_000);
  timer.unref();
  const sweeper = setInterval(() => {
    runtime.services.sessions
      .sweep()
      .catch((error: unknown) => runtime.logger.warn({ err: error }, 'console session sweep failed'));
  }, 600_000);
  sweeper.unref();
  const stops: (() => Promise<void> | void)[] = [
    startDiscoveryScheduler(runtime),
    () => clearInterval(sweeper),
  ];
  return async () => {
    clearInterval(timer);
    await running;
    for (const stop of stops) await stop();
  };
}
