/**
 * How every command finds its configuration and data directory (the search order is in
 * `locations.cts`): the configuration file from `--config` / PURSER_CONFIG / the system file,
 * its `data` key (relative to the file), else PURSER_DATA, else the deprecated `./purser-data`
 * when present, else the per-user default.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { ConfigInvalid } from '../domain/errors.ts';
import {
  configuredDataDir,
  type DataDirSource,
  dataDirNotices,
  defaultDataDir,
  findConfigFile,
  type LocationHost,
  NODE_HOST,
} from './locations.cts';

export interface DataLocation {
  readonly dataDir: string;
  /** What chose dataDir (the notices depend on it). */
  readonly source: DataDirSource;
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
  host: LocationHost = NODE_HOST,
): DataLocation {
  const config = findConfigFile(options.config, env, host);
  if (config) {
    const record = readTopLevel(config.file);
    const choice =
      typeof record.data === 'string' && record.data !== ''
        ? configuredDataDir(record.data, config.file)
        : defaultDataDir(env, host);
    const database = typeof record.database === 'string' ? record.database : undefined;
    return { ...choice, databaseUrl: database, configFile: config.file };
  }
  return { ...defaultDataDir(env, host), databaseUrl: undefined, configFile: undefined };
}

/**
 * Before a command opens the data directory: says on stderr when it uses a deprecated location
 * or creates a new directory (where, and how to point at another), then creates it (0700).
 */
export function prepareDataDir(
  location: Pick<DataLocation, 'dataDir' | 'source'>,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): void {
  const exists = fs.existsSync(location.dataDir);
  for (const line of dataDirNotices(location, exists)) warn(line);
  if (!exists) fs.mkdirSync(location.dataDir, { recursive: true, mode: 0o700 });
}

/**
 * The keys this module needs, read leniently: the full validation (`load.ts`) reports problems
 * with their paths when the configuration is loaded.
 */
function readTopLevel(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigInvalid([`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const parsed: unknown = YAML.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}
