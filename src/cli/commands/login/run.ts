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
import { ExitError } from '../../output.ts';
import { readSecretOption } from '../vault/secret-input.ts';

export async function login(registry: string, options: Record<string, unknown>): Promise<void> {
  const address = parseRegistryAddress(normalizeRegistryAddress(registry));
  const env = parseEnvironmentName(options.env as string | undefined);
  const username = String(options.username);
  const password = (await readSecretOption(options, true))!;
  const result = await verifyCredentials({
    registry: address === DOCKER_HUB ? 'registry-1.docker.io' : address,
    username,
    password,
    ...(options.insecure ? { insecure: true } : {}),
  });
  if (!result.ok) throw new ExitError(3, `login to ${address} failed: ${result.reason}`);
  const how =
    result.scheme === 'none'
      ? 'the registry does not require authentication'
      : `${result.scheme === 'basic' ? 'Basic' : 'Bearer token'} authentication accepted`;
  process.stdout.write(`Login Succeeded: ${address} (${how} at ${result.endpoint})\n`);
  if (options.store === false) return;
  const local = await openLocalVault({
    config: options.config as string | undefined,
    server: options.server,
  });
  try {
    await local.vault.add(
      { environment: env, address, username, secret: password, kind: 'basic' },
      localActor('login'),
    );
  } finally {
    await local.close();
  }
  process.stdout.write(`stored in the vault (environment ${env})\n`);
}
