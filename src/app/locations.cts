/**
 * Where Purser looks for its configuration file and data directory, independent of the working
 * directory: `--config` / PURSER_CONFIG, else PURSER_DATA, else /etc/purser/purser.yaml when it
 * exists, else a `./purser-data` found in the working directory (deprecated), else the per-user
 * default (`$XDG_DATA_HOME/purser`, i.e. `~/.local/share/purser`; `/var/lib/purser` for root when
 * it exists).
 *
 * CommonJS with no dependency: the credential helper (docker runs it on every pull, from the
 * user's working directory) resolves the same way without starting the ESM loader or YAML.
 */
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');

export const SYSTEM_CONFIG_FILE = '/etc/purser/purser.yaml';
export const SYSTEM_DATA_DIR = '/var/lib/purser';
/** The round-1 default, relative to the working directory; still honoured, with a notice. */
export const LEGACY_DATA_DIR = 'purser-data';

/** What chose the data directory: it decides what a notice tells the operator. */
export type DataDirSource = 'config' | 'PURSER_DATA' | 'legacy' | 'system' | 'user';

/** The few facts of the machine the search reads; tests substitute their own. */
export interface LocationHost {
  cwd(): string;
  uid(): number;
  homedir(): string;
  exists(file: string): boolean;
}

export const NODE_HOST: LocationHost = {
  cwd: () => process.cwd(),
  uid: () => (typeof process.getuid === 'function' ? process.getuid() : -1),
  homedir: () => os.homedir(),
  exists: (file) => fs.existsSync(file),
};

export interface ConfigChoice {
  readonly file: string;
  readonly source: '--config' | 'PURSER_CONFIG' | 'system';
}

/** The configuration file in force, or undefined when the data directory is found without one. */
export function findConfigFile(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
  host: LocationHost = NODE_HOST,
): ConfigChoice | undefined {
  if (explicit) return { file: path.resolve(host.cwd(), explicit), source: '--config' };
  if (env.PURSER_CONFIG)
    return { file: path.resolve(host.cwd(), env.PURSER_CONFIG), source: 'PURSER_CONFIG' };
  // PURSER_DATA names a data directory on purpose: the system file does not override it.
  if (env.PURSER_DATA) return undefined;
  if (host.exists(SYSTEM_CONFIG_FILE)) return { file: SYSTEM_CONFIG_FILE, source: 'system' };
  return undefined;
}

export interface DataDirChoice {
  readonly dataDir: string;
  readonly source: DataDirSource;
}

/** The data directory a configuration's `data` key names: relative to the file, not the caller. */
export function configuredDataDir(data: string, configFile: string): DataDirChoice {
  return { dataDir: path.resolve(path.dirname(configFile), data), source: 'config' };
}

/** The data directory when no configuration file names one. */
export function defaultDataDir(env: NodeJS.ProcessEnv, host: LocationHost = NODE_HOST): DataDirChoice {
  if (env.PURSER_DATA) return { dataDir: path.resolve(host.cwd(), env.PURSER_DATA), source: 'PURSER_DATA' };
  const legacy = path.join(host.cwd(), LEGACY_DATA_DIR);
  if (host.exists(legacy)) return { dataDir: legacy, source: 'legacy' };
  if (host.uid() === 0 && host.exists(SYSTEM_DATA_DIR)) return { dataDir: SYSTEM_DATA_DIR, source: 'system' };
  // XDG Base Directory: a relative XDG_DATA_HOME is invalid and ignored.
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || host.homedir(), '.local', 'share');
  return { dataDir: path.join(base, 'purser'), source: 'user' };
}

/** How to choose another data directory, for notices. */
const ELSEWHERE =
  'set PURSER_DATA=DIR, or `data: DIR` in a configuration file given with --config FILE or PURSER_CONFIG';

/** The notices for using `dataDir`: a deprecated location, a directory about to be created. */
export function dataDirNotices(choice: DataDirChoice, exists: boolean): string[] {
  const lines: string[] = [];
  if (choice.source === 'legacy') {
    lines.push(
      `purser: using ${choice.dataDir} because it is in the working directory; this is deprecated and ` +
        `will stop working: move it to ${defaultDataDirHint()} or ${ELSEWHERE} (see docs/operations.md, "Moving from ./purser-data")`,
    );
  }
  if (!exists) {
    lines.push(`purser: creating a new data directory ${choice.dataDir} (${describeSource(choice.source)})`);
    lines.push(`purser: to use another one, ${ELSEWHERE}`);
  }
  return lines;
}

function defaultDataDirHint(): string {
  return '~/.local/share/purser (or /var/lib/purser for a system service)';
}

function describeSource(source: DataDirSource): string {
  switch (source) {
    case 'config':
      return "the configuration's data key";
    case 'PURSER_DATA':
      return 'PURSER_DATA';
    case 'legacy':
      return './purser-data';
    case 'system':
      return 'the system default for root';
    case 'user':
      return 'the per-user default';
  }
}
