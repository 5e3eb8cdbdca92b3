/**
 * The `purser serve` process: loads the configuration, then runs the server (or, with
 * `workers` > 1, the cluster's primary, src/server/cluster.ts). SIGTERM/SIGINT stop it
 * gracefully with exit 0; SIGHUP re-reads the configuration file and applies it when valid, or
 * refuses it with the same `path: message` lines as at start and keeps the running one.
 * Operator lines go to stderr; stdout carries the log (JSON lines unless it is a terminal).
 */
import cluster from 'node:cluster';
import os from 'node:os';
import { prepareDataDir, resolveDataLocation } from '../../../app/data-dir.ts';
import { type Config, loadConfigFile } from '../../../config/load.ts';
import { ConfigInvalid } from '../../../domain/errors.ts';
import { checkListenAddress } from '../../../server/listen-check.ts';
import { type RunningServer, startServer } from '../../../server/serve.ts';

const say = (line: string) => process.stderr.write(`purser: ${line}\n`);

export function printWarnings(config: Config): void {
  for (const w of config.warnings) say(`warning ${w.code} (${w.path}): ${w.message}`);
}

export async function runServe(
  configFile: string | undefined,
  workersFlag?: string,
  init = false,
): Promise<void> {
  const location = resolveDataLocation({ config: configFile });
  const config = loadConfigFile(location.configFile);
  // stderr, before anything starts: an operator sees them whatever the log level.
  printWarnings(config);
  // A busy port is reported before the data directory or an administrator is created (by the
  // primary: a cluster worker shares the primary's socket).
  if (!cluster.isWorker) await checkListenAddress(config.listen.host, config.listen.port);
  prepareDataDir({ dataDir: config.dataDir, source: location.source });
  const workers = workersFlag === undefined ? config.serving.workers : parseWorkers(workersFlag);
  if (cluster.isWorker) {
    // One of the cluster's workers (src/server/cluster.ts): the first runs the background jobs.
    // `--init` is the primary's to carry out, once, before any worker opens the database.
    const server = await startServer(config, { backgroundJobs: process.env.PURSER_WORKER_INDEX === '0' });
    await serveUntilStopped(server, location.configFile);
    // The IPC channel to the primary would keep the process alive: closing it lets it exit.
    cluster.worker?.disconnect();
    return;
  }
  if (workers > 1) {
    const { runPrimary } = await import('../../../server/cluster.ts');
    await runPrimary({ workers, config, initialise: init });
    return;
  }
  const server = await startServer(config, { initialise: init });
  process.stderr.write(`purser listening on ${server.url} (data: ${config.dataDir})\n`);
  await serveUntilStopped(server, location.configFile);
}

/** Handles SIGHUP (reload) and SIGTERM/SIGINT (graceful stop) until the server is closed. */
export async function serveUntilStopped(
  server: RunningServer,
  configFile: string | undefined,
): Promise<void> {
  let reloading: Promise<void> = Promise.resolve();
  const reload = () => {
    reloading = reloading.then(() => reloadFrom(server, configFile));
  };
  process.on('SIGHUP', reload);
  let stop: ((signal: NodeJS.Signals) => void) | undefined;
  try {
    await new Promise<void>((resolve) => {
      let stopping = false;
      stop = (signal: NodeJS.Signals) => {
        // A second signal (the process group's, then the cluster primary's) changes nothing.
        if (stopping) return;
        stopping = true;
        say(`${signal} received, shutting down`);
        server.close().then(resolve, (error: unknown) => {
          say(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
          resolve();
        });
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
  } finally {
    process.off('SIGHUP', reload);
    if (stop) {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    }
  }
}

async function reloadFrom(server: RunningServer, configFile: string | undefined): Promise<void> {
  if (configFile === undefined) {
    say('SIGHUP received; no configuration file to re-read (embedded defaults)');
    return;
  }
  say(`SIGHUP received, re-reading ${configFile}`);
  try {
    const next = loadConfigFile(configFile);
    printWarnings(next);
    const { needsRestart } = await server.reload(next);
    say('configuration reloaded');
    if (needsRestart.length > 0) say(`changed, applied at the next start: ${needsRestart.join(', ')}`);
  } catch (error) {
    if (error instanceof ConfigInvalid) {
      say(`reload refused, the running configuration stays: ${error.message}`);
    } else {
      say(
        `reload failed, the running configuration stays: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    server.runtime.logger.warn({ file: configFile }, 'configuration reload refused');
  }
}

export function parseWorkers(text: string): number {
  if (text === 'auto') return os.availableParallelism();
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new ConfigInvalid([`--workers: expected a number of processes (1-256) or auto, got "${text}"`]);
  return n;
}
