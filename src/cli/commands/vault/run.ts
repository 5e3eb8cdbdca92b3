/** Implementations of `purser vault …` (local mode: the data directory, no server). */

import { BadRequest } from '../../../domain/errors.ts';
import { localActor } from '../../../vault/actor.ts';
import { CREDENTIAL_KINDS, GCR_JSON_KEY_USERNAME } from '../../../vault/credential-kind.ts';
import type { CredentialRecord } from '../../../vault/credential-record.ts';
import { type EnvironmentSettings, parseEnvironmentName } from '../../../vault/environment-settings.ts';
import { type LocalVault, openLocalVault } from '../../../vault/local-vault.ts';
import type { EnvironmentGrant } from '../../../vault/vault-grants.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type CommandResult, fields, table, text } from '../../output.ts';
import { readSecretOption, type SecretSourceOptions } from '../../secret-input.ts';

export interface EnvOption extends GlobalOptions {
  readonly env?: string;
}

export interface AddOptions extends EnvOption, SecretSourceOptions {
  readonly username?: string;
  readonly email?: string;
  readonly kind: string;
}

export interface EditOptions extends EnvOption, SecretSourceOptions {
  readonly username?: string;
  readonly email?: string;
}

export interface ListOptions extends EnvOption, JsonOption {
  readonly all?: boolean;
}

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

export interface GrantOptions extends GlobalOptions {
  readonly service?: string;
  readonly robot?: string;
}

async function withVault<T>(options: GlobalOptions, fn: (local: LocalVault) => Promise<T>): Promise<T> {
  const local = await openLocalVault({ config: options.config, server: options.server });
  try {
    return await fn(local);
  } finally {
    await local.close();
  }
}

const envOf = (options: EnvOption) => parseEnvironmentName(options.env);
const when = (ms: number | null) =>
  ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function add(address: string, options: AddOptions): Promise<CommandResult> {
  const kind = options.kind;
  if (!(CREDENTIAL_KINDS as readonly string[]).includes(kind))
    throw new BadRequest(`--kind must be one of ${CREDENTIAL_KINDS.join(', ')}`);
  const secret = (await readSecretOption(options, true))!;
  let username = options.username ?? '';
  if (kind === 'gcr-json-key') {
    if (username === '') username = GCR_JSON_KEY_USERNAME;
    try {
      JSON.parse(secret);
    } catch {
      throw new BadRequest(
        'a gcr-json-key secret must be the service account JSON key file (use --password-file key.json)',
      );
    }
  }
  const record = await withVault(options, ({ vault }) =>
    vault.add(
      { environment: envOf(options), address, username, secret, email: options.email ?? null, kind },
      localActor(),
    ),
  );
  return {
    blocks: [
      text(
        `stored ${record.kind} credential for ${record.address} (user ${record.username}) in environment ${record.environment}`,
      ),
    ],
  };
}

export async function edit(address: string, options: EditOptions): Promise<CommandResult> {
  const secret = await readSecretOption(options, false);
  const input = {
    ...(typeof options.username === 'string' ? { username: options.username } : {}),
    ...(typeof options.email === 'string' ? { email: options.email === '' ? null : options.email } : {}),
    ...(secret !== undefined ? { secret } : {}),
  };
  if (Object.keys(input).length === 0)
    throw new BadRequest('nothing to change: give --username, --email, --password-stdin or --password-file');
  const record = await withVault(options, ({ vault }) =>
    vault.update(envOf(options), address, input, localActor()),
  );
  return {
    blocks: [
      text(
        `updated ${record.address} in environment ${record.environment} (${Object.keys(input).join(', ')})`,
      ),
    ],
  };
}

export async function list(options: ListOptions): Promise<CommandResult<CredentialRecord[]>> {
  const records = await withVault(options, ({ vault }) =>
    vault.list(envOf(options), { includeDeleted: options.all === true }),
  );
  return {
    data: records,
    blocks: [
      table(
        ['ADDRESS', 'USERNAME', 'KIND', 'STATE', 'UPDATED', 'BY'],
        records.map((r) => [r.address, r.username, r.kind, r.state, when(r.updatedAt), r.updatedBy]),
      ),
    ],
  };
}

export async function show(address: string, options: EnvOption): Promise<CommandResult<CredentialRecord>> {
  const r = await withVault(options, ({ vault }) => vault.show(envOf(options), address));
  return {
    data: r,
    blocks: [
      fields(
        [
          ['address', r.address],
          ['environment', r.environment],
          ['username', r.username],
          ['email', r.email ?? '-'],
          ['kind', r.kind],
          ['state', r.state],
          ['secret', r.hasSecret ? '(stored, encrypted; never shown)' : '(destroyed)'],
          ['secret changed', when(r.secretChangedAt)],
          ['expires', when(r.expiresAt)],
          [
            'last check',
            r.check
              ? `${r.check.status} at ${when(r.check.at)}${r.check.message ? ` (${r.check.message})` : ''}`
              : '-',
          ],
          ['created', when(r.createdAt)],
          ['updated', `${when(r.updatedAt)} by ${r.updatedBy}`],
        ],
        16,
      ),
    ],
  };
}

export async function changeState(
  action: 'deactivate' | 'activate' | 'rm',
  address: string,
  options: EnvOption,
): Promise<CommandResult> {
  const env = envOf(options);
  if (action === 'rm') {
    await withVault(options, ({ vault }) => vault.remove(env, address, localActor()));
    return {
      blocks: [text(`deleted the credential for ${address} in environment ${env} (secret destroyed)`)],
    };
  }
  const r = await withVault(options, ({ vault }) =>
    vault.setState(env, address, action === 'activate' ? 'active' : 'deactivated', localActor()),
  );
  return { blocks: [text(`${r.address} in environment ${r.environment} is now ${r.state}`)] };
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
    const { parseRegistryAddress } = await import('../../../vault/registry-address.ts');
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

function principalOf(options: GrantOptions): { kind: 'service' | 'robot'; name: string } {
  const kinds = (['service', 'robot'] as const).filter((k) => typeof options[k] === 'string');
  if (kinds.length !== 1) throw new BadRequest('name exactly one principal: --service NAME or --robot NAME');
  const kind = kinds[0]!;
  return { kind, name: options[kind]! };
}

export async function grant(env: string, options: GrantOptions, give: boolean): Promise<CommandResult> {
  const { kind, name } = principalOf(options);
  const environment = parseEnvironmentName(env);
  const removed = await withVault(options, async ({ database }) => {
    const grants = await import('../../../vault/vault-grants.ts');
    if (give) {
      await grants.grantEnvironment(database.db, env, kind, name, localActor());
      return false;
    }
    return grants.revokeEnvironment(database.db, env, kind, name);
  });
  const line = give
    ? `${kind} ${name} may now read the secrets of environment ${environment}`
    : removed
      ? `revoked: ${kind} ${name} on environment ${environment}`
      : `${kind} ${name} had no grant on environment ${environment}`;
  return { blocks: [text(line)] };
}

export async function grants(
  env: string | undefined,
  options: GlobalOptions & JsonOption,
): Promise<CommandResult<EnvironmentGrant[]>> {
  const rows = await withVault(options, async ({ database }) => {
    const { listGrants } = await import('../../../vault/vault-grants.ts');
    return listGrants(database.db, env);
  });
  return {
    data: rows,
    blocks: [
      table(
        ['ENVIRONMENT', 'KIND', 'NAME', 'GRANTED', 'BY'],
        rows.map((r) => [r.environment, r.kind, r.name, when(r.createdAt), r.createdBy]),
      ),
    ],
  };
}

export async function rotateKey(options: GlobalOptions): Promise<CommandResult> {
  return withVault(options, async ({ database, vault, box, keySource }) => {
    const rotation = await import('../../../vault/rotate-key.ts');
    if (keySource.kind === 'env') {
      const count = (process.env.PURSER_MASTER_KEY ?? '').split(',').length;
      if (count < 2) {
        return {
          exit: {
            code: 1,
            message:
              'the master key comes from PURSER_MASTER_KEY, which purser cannot rewrite. To rotate it:\n' +
              '  1. generate a key:   openssl rand -base64 32\n' +
              '  2. set PURSER_MASTER_KEY=NEW,OLD (new key first) for this command and every server\n' +
              '  3. run:              purser vault rotate-key   (re-encrypts everything under NEW)\n' +
              '  4. set PURSER_MASTER_KEY=NEW and restart the servers',
          },
        };
      }
      const resealed = await rotation.resealEverything(database.db, vault, box);
      return {
        blocks: [
          text(
            `re-encrypted ${resealed} secrets under key ${box.currentKeyId}; now set PURSER_MASTER_KEY to the new key alone and restart the servers`,
          ),
        ],
      };
    }
    const result = await rotation.rotateKeyFile(keySource.file!, database.db, vault);
    return {
      blocks: [
        text(
          `rotated the master key in ${keySource.file}: new key ${result.newKeyId}, ${result.resealed} secrets re-encrypted, ${result.droppedKeys} old key(s) dropped`,
        ),
      ],
    };
  });
}
