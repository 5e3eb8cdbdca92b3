/**
 * Docker's `config.json` (docker/cli `configfile.ConfigFile`): `auths` keyed by
 * `https://index.docker.io/v1/` for Docker Hub and `host[:port]` otherwise, each entry
 * `{"auth": base64(user:password)}` or, for an identity token, `{"auth": base64(user:),
 * "identitytoken": …}`; tab-indented like `SaveToWriter`. `--helper` mode writes `credHelpers`
 * entries pointing at `purser` instead, so no secret lands in the file.
 */
import fs from 'node:fs';
import { BadRequest } from '../domain/errors.ts';
import { dockerConfigKey } from '../domain/registry-address.ts';
import { writeFileAtomic } from './atomic-file.ts';
import { type ExportCredential, encodeAuth, identityUser, isIdentityToken } from './registry.ts';

/** The helper name docker runs as `docker-credential-<name>`. */
export const PURSER_HELPER = 'purser';

export interface DockerAuthEntry {
  auth?: string;
  identitytoken?: string;
  [key: string]: unknown;
}

export interface DockerConfigObject {
  auths?: Record<string, DockerAuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
  [key: string]: unknown;
}

/**
 * One `auths` entry. An identity token is written with `auth` = base64("user:") as docker login
 * does; without a user name `auth` is left out, since docker/cli rejects an `auth` whose user is
 * empty ("invalid auth configuration file").
 */
export function dockerAuthEntry(credential: ExportCredential): DockerAuthEntry {
  if (isIdentityToken(credential)) {
    const user = identityUser(credential);
    return user === ''
      ? { identitytoken: credential.secret }
      : { auth: encodeAuth(user, ''), identitytoken: credential.secret };
  }
  return { auth: encodeAuth(credential.username, credential.secret) };
}

/** A fresh config.json with `auths` for these credentials. */
export function buildDockerConfig(credentials: readonly ExportCredential[]): DockerConfigObject {
  const auths: Record<string, DockerAuthEntry> = {};
  for (const c of credentials) auths[dockerConfigKey(c.address)] = dockerAuthEntry(c);
  return { auths };
}

/** A config.json with `credHelpers` entries that send these registries to `helper`. */
export function buildDockerHelperConfig(
  addresses: readonly string[],
  helper = PURSER_HELPER,
): DockerConfigObject {
  const credHelpers: Record<string, string> = {};
  for (const address of addresses) credHelpers[dockerConfigKey(address)] = helper;
  return { auths: {}, credHelpers };
}

/** Serializes like docker/cli (`json.MarshalIndent(…, "", "\t")`, no trailing newline). */
export function renderDockerConfig(config: DockerConfigObject): string {
  return JSON.stringify(config, null, '\t');
}

export function parseDockerConfig(text: string, where: string): DockerConfigObject {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BadRequest(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new BadRequest(`${where} must hold a JSON object`);
  return parsed as DockerConfigObject;
}

export interface MergeDockerConfigOptions {
  /** Write `credHelpers[key] = helper` instead of secrets, removing stale `auths` secrets. */
  readonly helper?: string;
  readonly backup?: boolean;
  /** The key for an address: Docker's (default) or containers' (`address` itself). */
  readonly keyOf?: (address: string) => string;
}

/** Merges `entries` into an existing config object (other keys and entries kept). */
export function mergeDockerConfig(
  config: DockerConfigObject,
  entries: readonly ExportCredential[],
  options: MergeDockerConfigOptions = {},
): DockerConfigObject {
  const next: DockerConfigObject = { ...config };
  const auths: Record<string, DockerAuthEntry> = { ...(config.auths ?? {}) };
  const keyOf = options.keyOf ?? dockerConfigKey;
  if (options.helper) {
    const helpers: Record<string, string> = { ...(config.credHelpers ?? {}) };
    for (const c of entries) {
      const key = keyOf(c.address);
      helpers[key] = options.helper;
      // A leftover secret would be read before asking the helper by some tools: drop it.
      if (auths[key]) {
        const {
          auth: _a,
          identitytoken: _i,
          password: _p,
          username: _u,
          registrytoken: _r,
          ...rest
        } = auths[key]!;
        auths[key] = rest;
      }
    }
    next.credHelpers = helpers;
  } else {
    for (const c of entries) auths[keyOf(c.address)] = dockerAuthEntry(c);
  }
  next.auths = auths;
  return next;
}

/**
 * Merges credentials into `file` atomically, keeping its other keys, its mode and owner (a new
 * file is 0600 in a 0700 directory). Symlinks are followed. Returns the backup path if asked.
 */
export function mergeDockerConfigFile(
  file: string,
  entries: readonly ExportCredential[],
  options: MergeDockerConfigOptions = {},
): string | undefined {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const merged = mergeDockerConfig(parseDockerConfig(text, file), entries, options);
  return writeFileAtomic(file, renderDockerConfig(merged), {
    defaultMode: 0o600,
    backup: options.backup ?? false,
  });
}
