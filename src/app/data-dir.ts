/**
 * How every command finds its data directory: `--config FILE` / PURSER_CONFIG (its `data` key),
 * else PURSER_DATA, else `./purser-data`. Relative paths resolve against the working directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const DEFAULT_DATA_DIR = './purser-data';

export interface DataLocation {
  readonly dataDir: string;
  /** postgres:// URL when the configuration names one. */
  readonly databaseUrl: string | undefined;
  readonly configFile: string | undefined;
}

/** The configuration file a command uses: `--config FILE`, else PURSER_CONFIG, else none. */
export function configFileOf(
  options: { config?: string | undefined } = {},
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  return options.config ?? (env.PURSER_CONFIG || undefined);
}

export function resolveDataLocation(
  options: { config?: string | undefined } = {},
  env: NodeJS.ProcessEnv = process.env,
): DataLocation {
  const configFile = configFileOf(options, env);
  if (configFile) {
    const text = fs.readFileSync(configFile, 'utf8');
    const parsed: unknown = YAML.parse(text);
    const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const data = typeof record.data === 'string' ? record.data : (env.PURSER_DATA ?? DEFAULT_DATA_DIR);
    const database = typeof record.database === 'string' ? record.database : undefined;
    return { dataDir: path.resolve(data), databaseUrl: database, configFile: path.resolve(configFile) };
  }
  return {
    dataDir: path.resolve(env.PURSER_DATA ?? DEFAULT_DATA_DIR),
    databaseUrl: undefined,
    configFile: undefined,
  };
}
