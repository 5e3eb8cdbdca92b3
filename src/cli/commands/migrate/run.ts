/** Implementation of `purser migrate`. */
import os from 'node:os';
import path from 'node:path';
import { openLocalVault } from '../../../app/local-vault.ts';
import { localActor } from '../../../vault/actor.ts';
import { migrateConfigFile } from '../../../vault/config-migrate.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type Block, type CommandResult, note, table, text } from '../../output.ts';

export interface MigrateOptions extends GlobalOptions, JsonOption {
  readonly env?: string;
  readonly dryRun?: boolean;
}

export async function migrate(file: string | undefined, options: MigrateOptions): Promise<CommandResult> {
  const target = path.resolve(
    file ?? path.join(process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json'),
  );
  const env = parseEnvironmentName(options.env);
  const local = await openLocalVault({ config: options.config, server: options.server });
  try {
    const result = await migrateConfigFile(target, local.vault, env, localActor('migrate'), {
      dryRun: options.dryRun === true,
    });
    const blocks: Block[] = [];
    if (result.migrated.length === 0) {
      blocks.push(text(`${target}: no plaintext credentials to migrate`));
    } else {
      blocks.push(
        table(
          ['REGISTRY', 'VAULT ADDRESS', 'USER', 'KIND'],
          result.migrated.map((m) => [m.key, m.address, m.user || '-', m.kind]),
        ),
        text(
          options.dryRun
            ? `dry run: ${result.migrated.length} credential(s) would move into environment ${env}`
            : `moved ${result.migrated.length} credential(s) into environment ${env}; ${target} now uses docker-credential-purser (backup: ${result.backup})`,
        ),
      );
    }
    for (const s of result.skipped) blocks.push(note(`purser: skipped ${s}`));
    return { data: { ...result, environment: env, dryRun: options.dryRun === true }, blocks };
  } finally {
    await local.close();
  }
}
