/** Implementation of `purser ratelimit`. */
import {
  describeRateLimit,
  dockerHubRateLimit,
  formatWindow,
  rateLimitEndpoints,
} from '../../../ratelimit/docker-hub-rate.ts';
import { type EnvironmentQuota, environmentQuota } from '../../../ratelimit/environment-quota.ts';
import {
  describeMirrorSavings,
  type MirrorSavings,
  mirrorSavings,
} from '../../../ratelimit/mirror-savings.ts';
import { type QuotaUsage, recordQuotaReading } from '../../../ratelimit/quota-history.ts';
import { openVaultIfPresent } from '../../../resolve/optional-vault.ts';
import { localActor } from '../../../vault/actor.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type Block, type CommandResult, exitStatus, note, text } from '../../output.ts';

export interface RateLimitOptions extends GlobalOptions, JsonOption {
  readonly env: string;
  readonly anonymous?: boolean;
  readonly authUrl?: string;
  readonly registryUrl?: string;
  readonly mirror?: string;
}

type RateLimitReport = EnvironmentQuota & {
  readonly sinceLastCheck?: QuotaUsage;
  readonly mirror?: MirrorSavings | { readonly url: string; readonly error: string };
};

export async function runRateLimit(options: RateLimitOptions): Promise<CommandResult<RateLimitReport>> {
  const environment = parseEnvironmentName(options.env);
  const endpoints = rateLimitEndpoints({ authUrl: options.authUrl, registryUrl: options.registryUrl });
  let quota: EnvironmentQuota;
  const local = options.anonymous ? undefined : await openVaultIfPresent({ config: options.config });
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
  const usage = local && quota.rate ? recordQuotaReading(local.dataDir, environment, quota.rate) : undefined;
  let mirror: RateLimitReport['mirror'];
  if (options.mirror !== undefined) {
    try {
      mirror = await mirrorSavings(options.mirror);
    } catch (error) {
      mirror = { url: options.mirror, error: (error as Error).message };
    }
  }

  const blocks: Block[] = [];
  if (quota.rate) {
    const r = quota.rate;
    if (quota.anonymousReason) blocks.push(note(`purser: checking anonymously: ${quota.anonymousReason}`));
    const lines = [describeRateLimit(r)];
    if (r.limited) {
      lines.push(
        `  limit      ${r.limit ?? '?'}`,
        `  remaining  ${r.remaining ?? '?'}`,
        `  window     ${r.window === null ? '?' : `${r.window} s (${formatWindow(r.window)})`}`,
        `  source     ${r.source ?? '?'}`,
      );
    }
    if (usage)
      lines.push(
        `  since      ${new Date(usage.since).toISOString().replace(/\.\d{3}Z$/, 'Z')}: ${usage.counted} pull${usage.counted === 1 ? '' : 's'} counted against this quota (pulls a mirror serves from its cache are not: purser mirror config)`,
      );
    blocks.push(text(lines.join('\n')));
  }
  if (mirror)
    blocks.push(text('error' in mirror ? `mirror: ${mirror.error}` : describeMirrorSavings(mirror)));
  const failure = quota.error
    ? `Docker Hub rate limit: ${quota.error}`
    : mirror && 'error' in mirror
      ? mirror.error
      : undefined;
  return {
    data: { ...quota, ...(usage ? { sinceLastCheck: usage } : {}), ...(mirror ? { mirror } : {}) },
    blocks,
    ...(failure ? { exit: { code: exitStatus('UNAVAILABLE'), message: failure } } : {}),
  };
}
