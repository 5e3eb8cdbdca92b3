/**
 * `purser serve --workers N`: the primary process of a node:cluster. It prepares the store once
 * (migrations, signing key, declared objects, the first administrator), then forks N workers
 * that share the listening port; the worker with index 0 runs the background jobs (discovery).
 * A worker that dies is logged and restarted with the same index. SIGHUP is passed to every
 * worker (each re-reads the file); SIGTERM/SIGINT stop them gracefully, then the primary exits.
 * Changes reach all workers through the store's change notification (src/store/model-changes.ts).
 * /metrics on any worker shows the sum over every worker (cluster-metrics.ts).
 */
import cluster, { type Worker } from 'node:cluster';
import { openRuntime } from '../app/compose.ts';
import { applyDeclared } from '../config/apply.ts';
import type { Config } from '../config/load.ts';
import { runtimeOptions } from '../config/runtime-options.ts';
import { serveClusterMetrics } from './cluster-metrics.ts';

const say = (line: string) => process.stderr.write(`purser: ${line}\n`);
/** A worker that dies sooner than this after its start is restarted after a pause. */
const RESTART_PAUSE_MS = 1_000;

export async function runPrimary(options: {
  readonly workers: number;
  readonly config: Config;
  /** `--init`: the primary creates the new database, before any worker opens it. */
  readonly initialise?: boolean;
}): Promise<void> {
  const { workers, config } = options;
  await prepareStore(config, options.initialise ?? false);
  // A scrape of any worker's /metrics shows the whole cluster's (cluster-metrics.ts).
  const stopMetrics = serveClusterMetrics();
  const byIndex = new Map<number, Worker>();
  let stopping = false;
  const fork = (index: number) => {
    const worker = cluster.fork({ PURSER_WORKER_INDEX: String(index) });
    const started = Date.now();
    byIndex.set(index, worker);
    worker.once('online', () =>
      say(
        `worker ${index} started (pid ${worker.process.pid})${index === 0 ? ', runs the background jobs' : ''}`,
      ),
    );
    worker.on('exit', (code, signal) => {
      if (byIndex.get(index) === worker) byIndex.delete(index);
      if (stopping) return;
      say(`worker ${index} (pid ${worker.process.pid}) died (${signal ?? `code ${code}`}); restarting it`);
      const pause = Date.now() - started < RESTART_PAUSE_MS ? RESTART_PAUSE_MS : 0;
      setTimeout(() => fork(index), pause);
    });
  };
  for (let index = 0; index < workers; index++) fork(index);
  const url = `${config.serving.tls ? 'https' : 'http'}://${config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host}:${config.listen.port}`;
  await Promise.all(
    [...byIndex.values()].map(
      (worker) => new Promise<void>((resolve) => worker.once('listening', () => resolve())),
    ),
  );
  say(`${workers} workers listening`);
  process.stderr.write(`purser listening on ${url} (data: ${config.dataDir}, ${workers} workers)\n`);
  const onHangup = () => {
    for (const worker of byIndex.values()) worker.process.kill('SIGHUP');
  };
  process.on('SIGHUP', onHangup);
  let stop: ((signal: NodeJS.Signals) => void) | undefined;
  await new Promise<void>((resolve) => {
    stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      say(`${signal} received, stopping ${byIndex.size} workers`);
      stopping = true;
      const exits = [...byIndex.values()].map(
        (worker) =>
          new Promise<void>((done) => {
            if (worker.isDead()) return done();
            worker.once('exit', () => done());
            worker.process.kill('SIGTERM');
          }),
      );
      Promise.all(exits).then(() => resolve());
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  process.off('SIGHUP', onHangup);
  stopMetrics();
  if (stop) {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}

/** Once, before the workers: migrations, the signing key and the declared objects. */
async function prepareStore(config: Config, initialise: boolean): Promise<void> {
  const runtime = await openRuntime({ ...runtimeOptions(config), initialise });
  try {
    const applied = await applyDeclared(runtime, config);
    if (applied.generatedAdminPassword) {
      process.stderr.write(
        `Created the administrator "admin" with password: ${applied.generatedAdminPassword}\n`,
      );
      process.stderr.write('This password is shown only once. Change it with: purser user passwd admin\n');
    }
  } finally {
    await runtime.close();
  }
}
