/**
 * `vault check`: verifies every active credential against its registry (ping, challenge, token)
 * and reports which are invalid, expired or unreachable. Secrets are read through the vault, so
 * each check is audited like any other read.
 */

import { IDENTITY_TOKEN_USERNAME, isCloudKind } from '../domain/credential-kind.ts';
import { type FetchLike, verifyCredentials } from '../registry-client/login.ts';
import type { Actor } from './actor.ts';
import type { Vault } from './vault.ts';

export interface CheckOutcome {
  readonly environment: string;
  readonly address: string;
  readonly status: 'valid' | 'invalid' | 'expired' | 'unreachable' | 'skipped';
  readonly message: string;
  /** Cloud kinds: the minted token's times (ISO 8601) and the last failed refresh, if any. */
  readonly token?: {
    readonly expiresAt: string;
    readonly refreshAt: string;
    readonly refreshFailure?: string;
  };
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
      let revealed: Awaited<ReturnType<Vault['reveal']>>;
      try {
        revealed = await vault.reveal(environment, record.address, actor, 'check');
      } catch (error) {
        const message = (error as Error).message;
        // A cloud kind that cannot mint: the cloud's endpoint is down or refused the material.
        const status =
          isCloudKind(record.kind) && (error as { code?: string }).code === 'UNAVAILABLE'
            ? 'unreachable'
            : 'invalid';
        if (isCloudKind(record.kind))
          await vault.recordCheck(record.id, status, `cannot mint a token: ${message}`);
        outcomes.push({
          ...base,
          status,
          message: isCloudKind(record.kind) ? `cannot mint a token: ${message}` : message,
        });
        continue;
      }
      const token = tokenReport(vault, environment, record.address, revealed);
      const result = await verifyCredentials({
        registry: record.address === 'docker.io' ? 'registry-1.docker.io' : record.address,
        username: revealed.username,
        password: revealed.secret,
        ...(options.insecure ? { insecure: true } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
      const suffix = token
        ? `; token until ${token.expiresAt}${token.refreshFailure ? `; the last refresh failed (${token.refreshFailure}), serving the token minted before` : ''}`
        : '';
      if (result.ok) {
        const message = `${result.scheme} via ${result.endpoint}${suffix}`;
        await vault.recordCheck(record.id, 'valid', message);
        outcomes.push({ ...base, status: 'valid', message, ...(token ? { token } : {}) });
      } else {
        const status = /^cannot reach|answered HTTP 5/.test(result.reason) ? 'unreachable' : 'invalid';
        const message = `${result.reason}${suffix}`;
        await vault.recordCheck(record.id, status, message);
        outcomes.push({ ...base, status, message, ...(token ? { token } : {}) });
      }
    }
  }
  return outcomes;
}

/** A cloud kind's minted token: its times and the failure of the last refresh (never the token). */
function tokenReport(
  vault: Vault,
  environment: string,
  address: string,
  revealed: { expiresAt?: number; refreshAt?: number },
): CheckOutcome['token'] {
  if (revealed.expiresAt === undefined || revealed.refreshAt === undefined) return undefined;
  const status = vault.cloud.status(environment, address);
  const failure = status && status.consecutiveFailures > 0 ? status.lastFailure?.message : undefined;
  return {
    expiresAt: new Date(revealed.expiresAt).toISOString(),
    refreshAt: new Date(revealed.refreshAt).toISOString(),
    ...(failure ? { refreshFailure: failure } : {}),
  };
}
