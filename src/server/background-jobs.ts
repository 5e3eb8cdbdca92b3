/**
 * Periodic work of a running server: pick up model and key changes made by the CLI, the API
 * of another replica, or a rotation (every 2 s), and registry discovery.
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
  const stops: (() => Promise<void> | void)[] = [startDiscoveryScheduler(runtime)];
  return async () => {
    clearInterval(timer);
    await running;
    for (const stop of stops) await stop();
  };
}
