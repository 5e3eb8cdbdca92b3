/** Implementation of `purser ratelimit`. */
import { Unavailable } from '../../../domain/errors.ts';
import {
  describeRateLimit,
  dockerHubRateLimit,
  formatWindow,
  rateLimitEndpoints,
} from '../../../ratelimit/docker-hub-rate.ts';
import { type EnvironmentQuota, environmentQuota } from '../../../ratelimit/environment-quota.ts';
import { openVaultIfPresent } from '../../../resolve/optional-vault.ts';
import { localActor } from '../../../vault/actor.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import { printJson } from '../../output.ts';

type Options = Record<string, unknown>;

export async function runRateLimit(options: Options): Promise<void> {
  const environment = parseEnvironmentName(options.env as string | undefined);
  const endpoints = rateLimitEndpoints({
    authUrl: options.authUrl as string | undefined,
    registryUrl: options.registryUrl as string | undefined,
  });
  let quota: EnvironmentQuota;
  const local = options.anonymous
    ? undefined
    : await openVaultIfPresent({ config: options.config as string | undefined });
  try {
    if (local) {
      quota = (await environmentQuota(local.vault, environment, localActor('ratelimit'), endpoints))!;
    } else {
      const reason = options.anonymous ? '--anonymous' : 'no vault (no data directory)';
      try {
        const rate = await dockerHubRateLimit(endpoints);
        quota = { environment, anonymousReason: reason, rate, error: null, low: rate.low };
      } catch (error) {
        quota = {
          environment,
          anonymousReason: reason,
          rate: null,
          error: (error as Error).message,
          low: false,
        };
      }
    }
  } finally {
    await local?.close();
  }

  if (options.json) {
    printJson(quota);
  } else if (quota.rate) {
    const r = quota.rate;
    if (quota.anonymousReason)
      process.stderr.write(`purser: checking anonymously: ${quota.anonymousReason}\n`);
    process.stdout.write(`${describeRateLimit(r)}\n`);
    if (r.limited) {
      process.stdout.write(`  limit      ${r.limit ?? '?'}\n`);
      process.stdout.write(`  remaining  ${r.remaining ?? '?'}\n`);
      process.stdout.write(
        `  window     ${r.window === null ? '?' : `${r.window} s (${formatWindow(r.window)})`}\n`,
      );
      process.stdout.write(`  source     ${r.source ?? '?'}\n`);
    }
  }
  if (quota.error) throw new Unavailable(`Docker Hub rate limit: ${quota.error}`);
}
