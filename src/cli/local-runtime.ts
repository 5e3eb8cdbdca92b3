/**
 * Embedded mode: the data directory opened in this process, with the settings `purser serve`
 * would use (the configuration file's, or its defaults: config/schema.ts is the one place they
 * are written down).
 */

import type { Runtime } from '../app/compose.ts';
import { prepareDataDir, resolveDataLocation } from '../app/data-dir.ts';
import { type Config, loadConfigFile } from '../config/load.ts';
import { runtimeOptions } from '../config/runtime-options.ts';
import type { GlobalOptions } from './options.ts';

export async function openLocalRuntime(
  globals: GlobalOptions,
): Promise<{ runtime: Runtime; config: Config }> {
  const location = resolveDataLocation({ config: globals.config });
  const config = loadConfigFile(location.configFile);
  prepareDataDir({ dataDir: config.dataDir, source: location.source });
  const { openRuntime } = await import('../app/compose.ts');
  // A source whose secret file this user cannot read fails only the commands that use it.
  const runtime = await openRuntime({ ...runtimeOptions(config), keepUnusableSources: true });
  return { runtime, config };
}
