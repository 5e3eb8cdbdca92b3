/** `purser login`: verify, report, store on success. */

import { openLocalVault } from '../../../app/local-vault.ts';
import {
  DOCKER_HUB,
  normalizeRegistryAddress,
  parseRegistryAddress,
} from '../../../domain/registry-address.ts';
import { verifyCredentials } from '../../../registry-client/login.ts';
import { localActor } from '../../../vault/actor.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import type { GlobalOptions } from '../../options.ts';
import { type CommandResult, exitStatus, text } from '../../output.ts';
import { readSecretOption, type SecretSourceOptions } from '../../secret-input.ts';

export interface LoginOptions extends GlobalOptions, SecretSourceOptions {
  readonly username: string;
  readonly env?: string;
  readonly insecure?: boolean;
  /** `--no-store` makes this false. */
  readonly store: boolean;
}

export async function login(registry: string, options: LoginOptions): Promise<CommandResult> {
  const address = parseRegistryAddress(normalizeRegistryAddress(registry));
  const env = parseEnvironmentName(options.env);
  const username = options.username;
  const password = (await readSecretOption(options, true))!;
  const result = await verifyCredentials({
    registry: address === DOCKER_HUB ? 'registry-1.docker.io' : address,
    username,
    password,
    ...(options.insecure ? { insecure: true } : {}),
  });
  if (!result.ok)
    return {
      exit: { code: exitStatus('UNAUTHORIZED'), message: `login to ${address} failed: ${result.reason}` },
    };
  const how =
    result.scheme === 'none'
      ? 'the registry does not require authentication'
      : `${result.scheme === 'basic' ? 'Basic' : 'Bearer token'} authentication accepted`;
  const succeeded = text(`Login Succeeded: ${address} (${how} at ${result.endpoint})`);
  if (options.store === false) return { blocks: [succeeded] };
  const local = await openLocalVault({ config: options.config, server: options.server });
  try {
    await local.vault.add(
      { environment: env, address, username, secret: password, kind: 'basic' },
      localActor('login'),
    );
  } finally {
    await local.close();
  }
  return { blocks: [succeeded, text(`stored in the vault (environment ${env})`)] };
}
