/**
 * `vault check`: verifies every active credential against its registry (ping, challenge, token)
 * and reports which are invalid, expired or unreachable. Secrets are read through the vault, so
 * each check is audited like any other read.
 */

import { IDENTITY_TOKEN_USERNAME } from '../domain/credential-kind.ts';
import { type FetchLike, verifyCredentials } from '../registry-client/login.ts';
import type { Actor } from './actor.ts';
import type { Vault } from './vault.ts';

export interface CheckOutcome {
  readonly environment: string;
  readonly address: string;
  readonly status: 'valid' | 'invalid' | 'expired' | 'unreachable' | 'skipped';
  readonly message: string;
}

export async function checkCredentials(
  vault: Vault,
  environments: readonly string[],
  actor: Actor,
  options: { insecure?: boolean; fetch?: FetchLike; now?: number } = {},
): Promise<CheckOutcome[]> {
  const outcomes: CheckOutcome[] = [];
  const now = options.now ?? Date.now();
  for (const environment of environments) {
    for (const record of await vault.list(environment)) {
      if (record.state !== 'active') continue;
      const base = { environment, address: record.address };
      if (record.expiresAt !== null && record.expiresAt <= now) {
        await vault.recordCheck(
          record.id,
          'expired',
          `expired at ${new Date(record.expiresAt).toISOString()}`,
        );
        outcomes.push({
          ...base,
          status: 'expired',
          message: `expired at ${new Date(record.expiresAt).toISOString()}`,
        });
        continue;
      }
      if (record.kind === 'identity-token' || record.username === IDENTITY_TOKEN_USERNAME) {
        outcomes.push({
          ...base,
          status: 'skipped',
          message: 'identity tokens are checked by the registry client that uses them',
        });
        continue;
      }
      let secret: string;
      try {
        secret = (await vault.reveal(environment, record.address, actor, 'check')).secret;
      } catch (error) {
        outcomes.push({ ...base, status: 'invalid', message: (error as Error).message });
        continue;
      }
      const result = await verifyCredentials({
        registry: record.address === 'docker.io' ? 'registry-1.docker.io' : record.address,
        username: record.username,
        password: secret,
        ...(options.insecure ? { insecure: true } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      if (result.ok) {
        await vault.recordCheck(record.id, 'valid', `${result.scheme} via ${result.endpoint}`);
        outcomes.push({ ...base, status: 'valid', message: `${result.scheme} via ${result.endpoint}` });
      } else {
        const status = /^cannot reach|answered HTTP 5/.test(result.reason) ? 'unreachable' : 'invalid';
        await vault.recordCheck(record.id, status, result.reason);
        outcomes.push({ ...base, status, message: result.reason });
      }
    }
  }
  return outcomes;
}
