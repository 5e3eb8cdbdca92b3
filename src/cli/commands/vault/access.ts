/** `purser vault grant/revoke/grants/rotate-key`: who may read an environment, and the master key. */
import { BadRequest } from '../../../domain/errors.ts';
import { localActor } from '../../../vault/actor.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import type { EnvironmentGrant } from '../../../vault/vault-grants.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type CommandResult, table, text } from '../../output.ts';
import { when, withVault } from './local.ts';

export interface GrantOptions extends GlobalOptions {
  readonly service?: string;
  readonly robot?: string;
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
