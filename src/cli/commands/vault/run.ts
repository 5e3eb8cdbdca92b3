/** `purser vault add/edit/list/show/deactivate/activate/rm` (local mode: the data directory, no server). */

import { serializeCloudMaterial } from '../../../cloud/cloud-credential.ts';
import {
  CLOUD_CREDENTIAL_KINDS,
  CREDENTIAL_KINDS,
  GCR_JSON_KEY_USERNAME,
  isCloudKind,
} from '../../../domain/credential-kind.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { localActor } from '../../../vault/actor.ts';
import type { CredentialRecord } from '../../../vault/credential-record.ts';
import type { JsonOption } from '../../options.ts';
import { type CommandResult, fields, table, text } from '../../output.ts';
import { readSecretOption, type SecretSourceOptions } from '../../secret-input.ts';
import { type CloudOptions, cloudMaterial, refuseCloudFlags } from './cloud.ts';
import { type EnvOption, envOf, when, withVault } from './local.ts';

export type { EnvOption } from './local.ts';

export interface AddOptions extends EnvOption, SecretSourceOptions, CloudOptions {
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

export async function add(address: string, options: AddOptions): Promise<CommandResult> {
  const kind = options.kind;
  if (isCloudKind(kind)) return addCloud(address, kind, options);
  if (!(CREDENTIAL_KINDS as readonly string[]).includes(kind))
    throw new BadRequest(
      `--kind must be one of ${[...CREDENTIAL_KINDS, ...CLOUD_CREDENTIAL_KINDS].join(', ')}`,
    );
  refuseCloudFlags(kind, options);
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

/** A cloud kind: its material is sealed; clients get tokens minted from it. */
async function addCloud(
  address: string,
  kind: (typeof CLOUD_CREDENTIAL_KINDS)[number],
  options: AddOptions,
): Promise<CommandResult> {
  if (options.username !== undefined)
    throw new BadRequest(`--username does not apply to --kind ${kind} (the cloud's token has its own)`);
  const material = await cloudMaterial(kind, options);
  const record = await withVault(options, ({ vault }) =>
    vault.add(
      {
        environment: envOf(options),
        address,
        username: '',
        secret: serializeCloudMaterial(material),
        email: options.email ?? null,
        kind,
      },
      localActor(),
    ),
  );
  return {
    blocks: [
      text(
        `stored ${record.kind} credential for ${record.address} in environment ${record.environment}: clients get tokens minted from it (user ${record.username}); \`purser vault check\` mints one now`,
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
