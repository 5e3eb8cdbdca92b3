/**
 * `purser migrate`: moves the plaintext credentials of a Docker `config.json` or containers
 * `auth.json` into the vault and rewrites the file to use the helper: secrets removed from
 * `auths` (an empty marker is kept, as docker's native store does), `credHelpers[key] = purser`.
 * The rewrite is atomic, keeps the file's mode, and leaves `<file>.bak`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { IDENTITY_TOKEN_USERNAME } from '../domain/credential-kind.ts';
import { BadRequest } from '../domain/errors.ts';
import {
  dockerConfigKey,
  normalizeRegistryAddress,
  parseRegistryAddress,
} from '../domain/registry-address.ts';
import { writeFileAtomic } from '../formats/atomic-file.ts';
import { PURSER_HELPER, parseDockerConfig, renderDockerConfig } from '../formats/docker-config.ts';
import type { Actor } from './actor.ts';
import { decodeAuth } from './config-audit.ts';
import type { Vault } from './vault.ts';

export interface MigratedEntry {
  readonly key: string;
  readonly address: string;
  readonly user: string;
  readonly kind: 'basic' | 'identity-token';
}

export interface MigrationResult {
  readonly file: string;
  readonly migrated: readonly MigratedEntry[];
  readonly skipped: readonly string[];
  readonly backup: string | undefined;
}

export async function migrateConfigFile(
  file: string,
  vault: Vault,
  environment: string,
  actor: Actor,
  options: { dryRun?: boolean; helper?: string } = {},
): Promise<MigrationResult> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadRequest(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const config = parseDockerConfig(text, file);
  const helper = options.helper ?? PURSER_HELPER;
  const auths = { ...(config.auths ?? {}) } as Record<string, Record<string, unknown>>;
  const credHelpers = { ...(config.credHelpers ?? {}) };
  const dockerFlavor = path.basename(file) === 'config.json';
  const migrated: MigratedEntry[] = [];
  const skipped: string[] = [];
  for (const [key, entry] of Object.entries(auths)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const token =
      typeof entry.identitytoken === 'string' && entry.identitytoken !== '' ? entry.identitytoken : undefined;
    let user = typeof entry.username === 'string' ? entry.username : '';
    let password = typeof entry.password === 'string' ? entry.password : '';
    if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = decodeAuth(entry.auth);
      if (!decoded) {
        skipped.push(`${key}: auth cannot be decoded`);
        continue;
      }
      user = decoded.user;
      password = decoded.password;
    }
    if (!token && password === '') continue;
    let address: string;
    try {
      address = parseRegistryAddress(normalizeRegistryAddress(key));
    } catch (error) {
      skipped.push(`${key}: ${(error as Error).message}`);
      continue;
    }
    const kind = token ? 'identity-token' : 'basic';
    if (!options.dryRun) {
      await vault.add(
        {
          environment,
          address,
          username: token ? user || IDENTITY_TOKEN_USERNAME : user,
          secret: token ?? password,
          kind,
        },
        actor,
      );
    }
    migrated.push({ key, address, user, kind });
    const { auth: _a, username: _u, password: _p, identitytoken: _i, registrytoken: _r, ...rest } = entry;
    auths[key] = rest;
    // Docker looks credHelpers up under its config key (Hub: https://index.docker.io/v1/);
    // containers tools under the registry host (namespaced helpers are not supported).
    credHelpers[dockerFlavor ? dockerConfigKey(address) : address] = helper;
  }
  let backup: string | undefined;
  if (migrated.length > 0 && !options.dryRun) {
    backup = writeFileAtomic(file, renderDockerConfig({ ...config, auths, credHelpers }), { backup: true });
  }
  return { file, migrated, skipped, backup };
}
