/**
 * What the docker CLI would read from `<dir>/config.json` for a registry, in its order
 * (docker/cli `GetCredentialsStore`): `credHelpers[key]`, then `credsStore`, then `auths` (exact
 * key, then any key whose hostname matches, except for Docker Hub whose only key is
 * `https://index.docker.io/v1/`). The secret is never decoded beyond the user name.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DOCKER_HUB, dockerConfigKey, normalizeRegistryAddress } from '../domain/registry-address.ts';
import type { DockerConfigObject } from '../formats/docker-config.ts';
import type { ConfigEntry } from './resolution.ts';

export function readConfigEntry(dir: string, registry: string): ConfigEntry {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    return { kind: 'no-directory' };
  }
  if (!stat.isDirectory()) return { kind: 'no-directory' };
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'config.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'no-config-json' };
    return { kind: 'unreadable', message: (error as Error).message };
  }
  let config: DockerConfigObject;
  try {
    const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { kind: 'unreadable', message: 'not a JSON object' };
    config = parsed as DockerConfigObject;
  } catch (error) {
    return { kind: 'unreadable', message: `invalid JSON: ${(error as Error).message}` };
  }
  return entryFor(config, registry);
}

export function entryFor(config: DockerConfigObject, registry: string): ConfigEntry {
  const key = dockerConfigKey(registry);
  const helper = config.credHelpers?.[key];
  if (typeof helper === 'string' && helper !== '') return { kind: 'helper', helper, key };
  if (typeof config.credsStore === 'string' && config.credsStore !== '')
    return { kind: 'store', helper: config.credsStore };
  const auths = config.auths ?? {};
  const candidates =
    registry === DOCKER_HUB
      ? [key]
      : [key, ...Object.keys(auths).filter((k) => k !== key && normalizeRegistryAddress(k) === registry)];
  for (const candidate of candidates) {
    const entry = auths[candidate];
    if (!entry || (!entry.auth && !entry.identitytoken && !(entry as { password?: string }).password))
      continue;
    const username = userOf(entry.auth);
    return { kind: 'auths', key: candidate, ...(username ? { username } : {}) };
  }
  return { kind: 'none' };
}

function userOf(auth: string | undefined): string | undefined {
  if (!auth) return undefined;
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}
