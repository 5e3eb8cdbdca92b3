/** Implementations of `purser vault …` (local mode: the data directory, no server). */

import { type LocalVault, openLocalVault } from '../../../app/local-vault.ts';
import { CREDENTIAL_KINDS, GCR_JSON_KEY_USERNAME } from '../../../domain/credential-kind.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { localActor } from '../../../vault/actor.ts';
import type { CredentialRecord } from '../../../vault/credential-record.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import { ExitError, printJson, printTable } from '../../output.ts';
import { readSecretOption } from './secret-input.ts';

type Options = Record<string, unknown>;

async function withVault<T>(options: Options, fn: (local: LocalVault) => Promise<T>): Promise<T> {
  const local = await openLocalVault({
    config: options.config as string | undefined,
    server: options.server,
  });
  try {
    return await fn(local);
  } finally {
    await local.close();
  }
}

const envOf = (options: Options) => parseEnvironmentName(options.env as string | undefined);
const when = (ms: number | null) =>
  ms === null ? '-' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export async function add(address: string, options: Options): Promise<void> {
  const kind = String(options.kind ?? 'basic');
  if (!(CREDENTIAL_KINDS as readonly string[]).includes(kind))
    throw new BadRequest(`--kind must be one of ${CREDENTIAL_KINDS.join(', ')}`);
  const secret = (await readSecretOption(options, true))!;
  let username = String(options.username ?? '');
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
  await withVault(options, async ({ vault }) => {
    const record = await vault.add(
      {
        environment: envOf(options),
        address,
        username,
        secret,
        email: (options.email as string | undefined) ?? null,
        kind,
      },
      localActor(),
    );
    process.stdout.write(
      `stored ${record.kind} credential for ${record.address} (user ${record.username}) in environment ${record.environment}\n`,
    );
  });
}

export async function edit(address: string, options: Options): Promise<void> {
  const secret = await readSecretOption(options, false);
  const input = {
    ...(typeof options.username === 'string' ? { username: options.username } : {}),
    ...(typeof options.email === 'string' ? { email: options.email === '' ? null : options.email } : {}),
    ...(secret !== undefined ? { secret } : {}),
  };
  if (Object.keys(input).length === 0)
    throw new BadRequest('nothing to change: give --username, --email, --password-stdin or --password-file');
  await withVault(options, async ({ vault }) => {
    const record = await vault.update(envOf(options), address, input, localActor());
    process.stdout.write(
      `updated ${record.address} in environment ${record.environment} (${Object.keys(input).join(', ')})\n`,
    );
  });
}

export async function list(options: Options): Promise<void> {
  await withVault(options, async ({ vault }) => {
    const records = await vault.list(envOf(options), { includeDeleted: options.all === true });
    if (options.output === 'json') return printJson(records.map(publicRecord));
    printTable(
      ['ADDRESS', 'USERNAME', 'KIND', 'STATE', 'UPDATED', 'BY'],
      records.map((r) => [r.address, r.username, r.kind, r.state, when(r.updatedAt), r.updatedBy]),
    );
  });
}

export async function show(address: string, options: Options): Promise<void> {
  await withVault(options, async ({ vault }) => {
    const r = await vault.show(envOf(options), address);
    if (options.output === 'json') return printJson(publicRecord(r));
    const lines: [string, string][] = [
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
    ];
    for (const [k, v] of lines) process.stdout.write(`${`${k}:`.padEnd(16)}${v}\n`);
  });
}

export async function changeState(
  action: 'deactivate' | 'activate' | 'rm',
  address: string,
  options: Options,
): Promise<void> {
  await withVault(options, async ({ vault }) => {
    const env = envOf(options);
    if (action === 'rm') {
      await vault.remove(env, address, localActor());
      process.stdout.write(
        `deleted the credential for ${address} in environment ${env} (secret destroyed)\n`,
      );
      return;
    }
    const r = await vault.setState(
      env,
      address,
      action === 'activate' ? 'active' : 'deactivated',
      localActor(),
    );
    process.stdout.write(`${r.address} in environment ${r.environment} is now ${r.state}\n`);
  });
}

export async function setDefaultRegistry(address: string | undefined, options: Options): Promise<void> {
  if (!address && !options.unset)
    throw new BadRequest('give a registry address, or --unset to go back to Docker Hub');
  if (address && options.unset) throw new BadRequest('give either an address or --unset');
  await withVault(options, async ({ vault }) => {
    const s = await vault.setDefaultRegistry(envOf(options), address ?? null, localActor());
    process.stdout.write(
      `environment ${s.name}: images without a registry resolve to ${s.defaultRegistry ?? 'docker.io (Docker Hub)'}\n`,
    );
  });
}

export async function allow(addresses: readonly string[], options: Options): Promise<void> {
  await withVault(options, async ({ vault }) => {
    const env = envOf(options);
    const current = await vault.settings(env);
    let next = current;
    if (options.clear) {
      if (addresses.length > 0) throw new BadRequest('--clear takes no addresses');
      next = await vault.setAllowlist(env, null, localActor());
    } else if (addresses.length > 0) {
      const base = current.allowlist ?? [];
      const { parseRegistryAddress } = await import('../../../domain/registry-address.ts');
      const given = addresses.map(parseRegistryAddress);
      const list = options.remove ? base.filter((a) => !given.includes(a)) : [...base, ...given];
      next = await vault.setAllowlist(env, list, localActor());
    } else if (options.remove) {
      throw new BadRequest('--remove needs the registries to remove');
    }
    if (next.allowlist === null)
      process.stdout.write(`environment ${next.name}: no allowlist (every registry is allowed)\n`);
    else if (next.allowlist.length === 0)
      process.stdout.write(`environment ${next.name}: the allowlist is empty (every registry is refused)\n`);
    else process.stdout.write(`environment ${next.name} allows: ${next.allowlist.join(' ')}\n`);
  });
}

export async function settings(options: Options): Promise<void> {
  await withVault(options, async ({ vault }) => {
    const all = options.env ? [await vault.settings(envOf(options))] : await vault.listEnvironments();
    if (options.output === 'json') return printJson(all);
    printTable(
      ['ENVIRONMENT', 'DEFAULT REGISTRY', 'ALLOWLIST'],
      all.map((s) => [
        s.name,
        s.defaultRegistry ?? 'docker.io',
        s.allowlist === null ? '(any)' : s.allowlist.join(',') || '(none)',
      ]),
    );
  });
}

export async function resolve(image: string, options: Options): Promise<void> {
  await withVault(options, async ({ vault }) => {
    const { resolveImage } = await import('../../../vault/resolve-image.ts');
    const resolved = resolveImage(await vault.settings(envOf(options)), image);
    process.stdout.write(`${resolved.reference.normalized}\n`);
  });
}

export async function check(options: Options): Promise<void> {
  await withVault(options, async ({ vault }) => {
    const { checkCredentials } = await import('../../../vault/check.ts');
    const envs = options.env ? [envOf(options)] : (await vault.listEnvironments()).map((e) => e.name);
    const outcomes = await checkCredentials(vault, envs, localActor('check'), {
      insecure: options.insecure === true,
    });
    printTable(
      ['ENVIRONMENT', 'ADDRESS', 'STATUS', 'DETAIL'],
      outcomes.map((o) => [o.environment, o.address, o.status, o.message]),
    );
    const { dockerHubQuotaLines } = await import('../../../ratelimit/environment-quota.ts');
    const quota = await dockerHubQuotaLines(vault, envs, localActor('check'));
    for (const line of quota) process.stdout.write(`${line}\n`);
    const bad = outcomes.filter(
      (o) => o.status === 'invalid' || o.status === 'expired' || o.status === 'unreachable',
    );
    if (bad.length > 0)
      throw new ExitError(1, `${bad.length} of ${outcomes.length} credentials failed the check`);
  });
}

export async function grant(env: string, options: Options, give: boolean): Promise<void> {
  const kinds = (['service', 'robot'] as const).filter((k) => typeof options[k] === 'string');
  if (kinds.length !== 1) throw new BadRequest('name exactly one principal: --service NAME or --robot NAME');
  const kind = kinds[0]!;
  const name = options[kind] as string;
  await withVault(options, async ({ database }) => {
    const grants = await import('../../../vault/vault-grants.ts');
    if (give) {
      await grants.grantEnvironment(database.db, env, kind, name, localActor());
      process.stdout.write(
        `${kind} ${name} may now read the secrets of environment ${parseEnvironmentName(env)}\n`,
      );
    } else {
      const removed = await grants.revokeEnvironment(database.db, env, kind, name);
      process.stdout.write(
        removed
          ? `revoked: ${kind} ${name} on environment ${parseEnvironmentName(env)}\n`
          : `${kind} ${name} had no grant on environment ${parseEnvironmentName(env)}\n`,
      );
    }
  });
}

export async function grants(env: string | undefined, options: Options): Promise<void> {
  await withVault(options, async ({ database }) => {
    const { listGrants } = await import('../../../vault/vault-grants.ts');
    const rows = await listGrants(database.db, env);
    printTable(
      ['ENVIRONMENT', 'KIND', 'NAME', 'GRANTED', 'BY'],
      rows.map((r) => [r.environment, r.kind, r.name, when(r.createdAt), r.createdBy]),
    );
  });
}

export async function rotateKey(options: Options): Promise<void> {
  await withVault(options, async ({ database, vault, box, keySource }) => {
    const rotation = await import('../../../vault/rotate-key.ts');
    if (keySource.kind === 'env') {
      const count = (process.env.PURSER_MASTER_KEY ?? '').split(',').length;
      if (count < 2) {
        throw new ExitError(
          1,
          'the master key comes from PURSER_MASTER_KEY, which purser cannot rewrite. To rotate it:\n' +
            '  1. generate a key:   openssl rand -base64 32\n' +
            '  2. set PURSER_MASTER_KEY=NEW,OLD (new key first) for this command and every server\n' +
            '  3. run:              purser vault rotate-key   (re-encrypts everything under NEW)\n' +
            '  4. set PURSER_MASTER_KEY=NEW and restart the servers',
        );
      }
      const resealed = await rotation.resealEverything(database.db, vault, box);
      process.stdout.write(
        `re-encrypted ${resealed} secrets under key ${box.currentKeyId}; now set PURSER_MASTER_KEY to the new key alone and restart the servers\n`,
      );
      return;
    }
    const result = await rotation.rotateKeyFile(keySource.file!, database.db, vault);
    process.stdout.write(
      `rotated the master key in ${keySource.file}: new key ${result.newKeyId}, ${result.resealed} secrets re-encrypted, ${result.droppedKeys} old key(s) dropped\n`,
    );
  });
}

function publicRecord(r: CredentialRecord): Record<string, unknown> {
  return { ...r };
}
