/** `purser vault set-default-registry/allow/settings/resolve/check`: an environment's settings. */
import { BadRequest } from '../../../domain/errors.ts';
import { localActor } from '../../../vault/actor.ts';
import type { EnvironmentSettings } from '../../../vault/environment-settings.ts';
import type { JsonOption } from '../../options.ts';
import { type CommandResult, table, text } from '../../output.ts';
import { type EnvOption, envOf, withVault } from './local.ts';

export interface DefaultRegistryOptions extends EnvOption {
  readonly unset?: boolean;
}

export interface AllowOptions extends EnvOption {
  readonly remove?: boolean;
  readonly clear?: boolean;
}

export interface CheckOptions extends EnvOption, JsonOption {
  readonly insecure?: boolean;
}

export async function setDefaultRegistry(
  address: string | undefined,
  options: DefaultRegistryOptions,
): Promise<CommandResult<EnvironmentSettings>> {
  if (!address && !options.unset)
    throw new BadRequest('give a registry address, or --unset to go back to Docker Hub');
  if (address && options.unset) throw new BadRequest('give either an address or --unset');
  const s = await withVault(options, ({ vault }) =>
    vault.setDefaultRegistry(envOf(options), address ?? null, localActor()),
  );
  return {
    data: s,
    blocks: [
      text(
        `environment ${s.name}: images without a registry resolve to ${s.defaultRegistry ?? 'docker.io (Docker Hub)'}`,
      ),
    ],
  };
}

export async function allow(
  addresses: readonly string[],
  options: AllowOptions,
): Promise<CommandResult<EnvironmentSettings>> {
  if (options.clear && addresses.length > 0) throw new BadRequest('--clear takes no addresses');
  if (!options.clear && addresses.length === 0 && options.remove)
    throw new BadRequest('--remove needs the registries to remove');
  const next = await withVault(options, async ({ vault }) => {
    const env = envOf(options);
    const current = await vault.settings(env);
    if (options.clear) return vault.setAllowlist(env, null, localActor());
    if (addresses.length === 0) return current;
    const base = current.allowlist ?? [];
    const { parseRegistryAddress } = await import('../../../domain/registry-address.ts');
    const given = addresses.map(parseRegistryAddress);
    const list = options.remove ? base.filter((a) => !given.includes(a)) : [...base, ...given];
    return vault.setAllowlist(env, list, localActor());
  });
  const line =
    next.allowlist === null
      ? `environment ${next.name}: no allowlist (every registry is allowed)`
      : next.allowlist.length === 0
        ? `environment ${next.name}: the allowlist is empty (every registry is refused)`
        : `environment ${next.name} allows: ${next.allowlist.join(' ')}`;
  return { data: next, blocks: [text(line)] };
}

export async function settings(
  options: EnvOption & JsonOption,
): Promise<CommandResult<EnvironmentSettings[]>> {
  const all = await withVault(options, async ({ vault }) =>
    options.env ? [await vault.settings(envOf(options))] : await vault.listEnvironments(),
  );
  return {
    data: all,
    blocks: [
      table(
        ['ENVIRONMENT', 'DEFAULT REGISTRY', 'ALLOWLIST'],
        all.map((s) => [
          s.name,
          s.defaultRegistry ?? 'docker.io',
          s.allowlist === null ? '(any)' : s.allowlist.join(',') || '(none)',
        ]),
      ),
    ],
  };
}

export async function resolve(image: string, options: EnvOption): Promise<CommandResult> {
  const normalized = await withVault(options, async ({ vault }) => {
    const { resolveImage } = await import('../../../vault/resolve-image.ts');
    return resolveImage(await vault.settings(envOf(options)), image).reference.normalized;
  });
  return { data: normalized, blocks: [text(normalized)] };
}

export async function check(options: CheckOptions): Promise<CommandResult> {
  return withVault(options, async ({ vault }) => {
    const { checkCredentials } = await import('../../../vault/check.ts');
    const envs = options.env ? [envOf(options)] : (await vault.listEnvironments()).map((e) => e.name);
    const outcomes = await checkCredentials(vault, envs, localActor('check'), {
      insecure: options.insecure === true,
    });
    const { dockerHubQuotaLines } = await import('../../../ratelimit/environment-quota.ts');
    const quota = await dockerHubQuotaLines(vault, envs, localActor('check'));
    const bad = outcomes.filter(
      (o) => o.status === 'invalid' || o.status === 'expired' || o.status === 'unreachable',
    );
    return {
      data: { outcomes, dockerHub: quota },
      blocks: [
        table(
          ['ENVIRONMENT', 'ADDRESS', 'STATUS', 'DETAIL'],
          outcomes.map((o) => [o.environment, o.address, o.status, o.message]),
        ),
        ...(quota.length > 0 ? [text(quota.join('\n'))] : []),
      ],
      ...(bad.length > 0
        ? { exit: { code: 1, message: `${bad.length} of ${outcomes.length} credentials failed the check` } }
        : {}),
    };
  });
}
