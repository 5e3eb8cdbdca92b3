/**
 * Docker Hub quota for a vault environment: with its stored Docker Hub credential when there is an
 * active one the environment may use, anonymously otherwise. Used by `purser ratelimit` and by
 * `purser vault check` (which reports the remaining quota of each Docker Hub credential and warns
 * below 10%).
 */

import { IDENTITY_TOKEN_USERNAME } from '../domain/credential-kind.ts';
import { isAuthorityError } from '../domain/errors.ts';
import { DOCKER_HUB } from '../domain/registry-address.ts';
import type { Actor } from '../vault/actor.ts';
import type { Vault } from '../vault/vault.ts';
import {
  type DockerHubCredential,
  describeRateLimit,
  dockerHubRateLimit,
  type RateLimit,
  type RateLimitOptions,
  rateLimitEndpoints,
} from './docker-hub-rate.ts';

export interface EnvironmentQuota {
  readonly environment: string;
  /** Why the check ran anonymously, when it did. */
  readonly anonymousReason: string | null;
  readonly rate: RateLimit | null;
  /** Set when Docker Hub could not be asked. */
  readonly error: string | null;
  /** remaining is below 10% of the limit. */
  readonly low: boolean;
}

export type QuotaOptions = Omit<RateLimitOptions, 'credential'> & {
  /** Only report environments with a usable (active, allowed) Docker Hub credential; default false. */
  readonly onlyWithCredential?: boolean;
};

/** The Docker Hub credential of `environment`, or why there is none to use. */
export async function dockerHubCredentialOf(
  vault: Vault,
  environment: string,
  actor: Actor,
): Promise<{ credential: DockerHubCredential } | { reason: string; stored: boolean }> {
  let stored = false;
  try {
    const record = (await vault.list(environment)).find((r) => r.address === DOCKER_HUB);
    stored = record !== undefined;
    if (!record) return { reason: `no Docker Hub credential in environment ${environment}`, stored };
    const revealed = await vault.reveal(environment, DOCKER_HUB, actor, 'ratelimit');
    const identityToken = revealed.kind === 'identity-token' || revealed.username === IDENTITY_TOKEN_USERNAME;
    return { credential: { username: revealed.username, secret: revealed.secret, identityToken } };
  } catch (error) {
    if (isAuthorityError(error) && error.expose) return { reason: error.message, stored };
    throw error;
  }
}

/** Asks Docker Hub for the quota of one environment; never throws for Docker Hub failures. */
export async function environmentQuota(
  vault: Vault,
  environment: string,
  actor: Actor,
  options: QuotaOptions = {},
): Promise<EnvironmentQuota | null> {
  const found = await dockerHubCredentialOf(vault, environment, actor);
  if ('reason' in found && options.onlyWithCredential) return null;
  const credential = 'credential' in found ? found.credential : undefined;
  const anonymousReason = 'reason' in found ? found.reason : null;
  try {
    const rate = await dockerHubRateLimit({ ...options, credential });
    return { environment, anonymousReason, rate, error: null, low: rate.low };
  } catch (error) {
    return { environment, anonymousReason, rate: null, error: (error as Error).message, low: false };
  }
}

/**
 * For `purser vault check`: the quota of every listed environment that holds a Docker Hub
 * credential, each with a warning below 10%.
 */
export async function dockerHubQuotaForCheck(
  vault: Vault,
  environments: readonly string[],
  actor: Actor,
  options: Omit<QuotaOptions, 'onlyWithCredential'> = {},
): Promise<EnvironmentQuota[]> {
  const out: EnvironmentQuota[] = [];
  for (const environment of environments) {
    const quota = await environmentQuota(vault, environment, actor, { ...options, onlyWithCredential: true });
    if (quota) out.push(quota);
  }
  return out;
}

/**
 * The lines `purser vault check` prints: one per environment with a Docker Hub credential,
 * `warning: ` first when less than 10% of the quota remains. Endpoints come from
 * PURSER_DOCKERHUB_AUTH_URL / PURSER_DOCKERHUB_REGISTRY_URL when set.
 */
export async function dockerHubQuotaLines(
  vault: Vault,
  environments: readonly string[],
  actor: Actor,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<string[]> {
  const quotas = await dockerHubQuotaForCheck(vault, environments, actor, rateLimitEndpoints({}, env));
  return quotas.map((q) => {
    const prefix = q.low ? 'warning: ' : '';
    if (!q.rate) return `Docker Hub quota (environment ${q.environment}): unknown: ${q.error}`;
    return `${prefix}Docker Hub quota (environment ${q.environment}, ${q.rate.username ?? 'anonymous'}): ${describeRateLimit(q.rate).replace(/^Docker Hub \([^)]*\): /, '')}`;
  });
}
