/**
 * Reading Gantry's credential inputs from an environment, exactly as Gantry's `read_config` and
 * `_authenticate_to_registries` do:
 *
 * - `GANTRY_REGISTRY_USER`, `_PASSWORD`, `_HOST`, `_CONFIG`: each may instead come from
 *   `<NAME>_FILE` (a Docker secret), which wins when set; trailing newlines of the file are dropped
 *   (shell `$(cat …)`), and an unreadable file is an error.
 * - `GANTRY_REGISTRY_CONFIGS_FILE`: a path (relative to the working directory) to a configs file.
 *
 * The single set comes first, then the configs file, like Gantry. Nothing here touches the network.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseConfigsFile, registryOf } from './configs-file.ts';
import type { GantryCredential, InputProblem } from './gantry-credential.ts';

export const SINGLE_SOURCE = 'GANTRY_REGISTRY_* variables';

export interface GantryInputs {
  readonly credentials: readonly GantryCredential[];
  readonly problems: readonly InputProblem[];
  /** Absolute path of the configs file, when one was named. */
  readonly configsFile: string | undefined;
}

export interface ReadGantryInputsOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Working directory for relative paths; default process.cwd(). */
  readonly cwd?: string;
  /** Replaces fs.readFileSync (tests). */
  readonly readFile?: (file: string) => string;
  /** Read this configs file instead of (or in addition to no) GANTRY_REGISTRY_CONFIGS_FILE. */
  readonly configsFile?: string | undefined;
}

export function readGantryInputs(options: ReadGantryInputsOptions): GantryInputs {
  const cwd = options.cwd ?? process.cwd();
  const readFile = options.readFile ?? ((file: string) => fs.readFileSync(file, 'utf8'));
  const problems: InputProblem[] = [];
  const credentials: GantryCredential[] = [];

  const read = (name: string): string => {
    const fileVar = options.env[`${name}_FILE`];
    if (fileVar) {
      try {
        return readFile(path.resolve(cwd, fileVar)).replace(/\n+$/, '');
      } catch {
        problems.push({ source: `${name}_FILE`, message: `Failed to read file ${fileVar}` });
        return '';
      }
    }
    return options.env[name] ?? '';
  };

  const before = problems.length;
  const username = read('GANTRY_REGISTRY_USER');
  const password = read('GANTRY_REGISTRY_PASSWORD');
  const host = read('GANTRY_REGISTRY_HOST');
  const configuration = read('GANTRY_REGISTRY_CONFIG');
  const anySet = username !== '' || password !== '' || host !== '' || configuration !== '';
  if (problems.length === before && anySet) {
    const missing: string[] = [];
    if (username === '') missing.push('GANTRY_REGISTRY_USER is empty.');
    if (password === '') missing.push('GANTRY_REGISTRY_PASSWORD is empty.');
    const registry = registryOf(host);
    if (typeof registry !== 'string') missing.push(registry.problem);
    if (missing.length > 0) {
      problems.push({ source: SINGLE_SOURCE, message: missing.join(' ') });
    } else {
      credentials.push({
        configuration,
        host,
        registry: registry as string,
        username,
        password,
        source: SINGLE_SOURCE,
      });
    }
  }

  const named = options.configsFile ?? options.env.GANTRY_REGISTRY_CONFIGS_FILE;
  let configsFile: string | undefined;
  if (named) {
    configsFile = path.resolve(cwd, named);
    let text: string | undefined;
    try {
      text = readFile(configsFile);
    } catch {
      problems.push({
        source: 'GANTRY_REGISTRY_CONFIGS_FILE',
        message: `Failed to read CONFIGS_FILE ${named}.`,
      });
    }
    if (text !== undefined) {
      const parsed = parseConfigsFile(text, named);
      credentials.push(...parsed.credentials);
      problems.push(...parsed.problems);
    }
  }
  return { credentials, problems, configsFile };
}

/**
 * The default Docker client configuration directory, `${DOCKER_CONFIG:-$HOME/.docker}`, absolute.
 * Gantry resolves it with `readlink -f`; pass `realpath` to do the same.
 */
export function defaultConfigDir(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  realpath: (p: string) => string = (p) => p,
): string {
  const dir = env.DOCKER_CONFIG
    ? path.resolve(cwd, env.DOCKER_CONFIG)
    : path.join(env.HOME ?? '/root', '.docker');
  return realpath(dir);
}

/** A configuration as written, made absolute; empty means the default location. */
export function configurationDir(
  configuration: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  realpath: (p: string) => string = (p) => p,
): string {
  return configuration === ''
    ? defaultConfigDir(env, cwd, realpath)
    : realpath(path.resolve(cwd, configuration));
}

/** realpath that tolerates paths which do not exist yet (resolves the longest existing prefix). */
export function lenientRealpath(p: string): string {
  const absolute = path.resolve(p);
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}
