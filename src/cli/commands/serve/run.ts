import { prepareDataDir, resolveDataLocation } from '../../../app/data-dir.ts';
import { loadConfigFile } from '../../../config/load.ts';
import { startServer } from '../../../server/serve.ts';

export async function runServe(configFile: string | undefined, init = false): Promise<void> {
  const location = resolveDataLocation({ config: configFile });
  const config = loadConfigFile(location.configFile);
  // stderr, before anything starts: an operator sees them whatever the log level.
  for (const w of config.warnings)
    process.stderr.write(`purser: warning ${w.code} (${w.path}): ${w.message}\n`);
  prepareDataDir({ dataDir: config.dataDir, source: location.source });
  const server = await startServer(config, { initialise: init });
  process.stdout.write(`purser listening on ${server.url} (data: ${config.dataDir})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stdout.write(`purser: ${signal} received, shutting down\n`);
      server.close().then(resolve, resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
