/** Implementation of `purser migrate`. */
import os from 'node:os';
import path from 'node:path';
import { openLocalVault } from '../../../app/local-vault.ts';
import { localActor } from '../../../vault/actor.ts';
import { migrateConfigFile } from '../../../vault/config-migrate.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import { printTable } from '../../output.ts';

export async function migrate(file: string | undefined, options: Record<string, unknown>): Promise<void> {
  const target = path.resolve(
    file ?? path.join(process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker'), 'config.json'),
  );
  const env = parseEnvironmentName(options.env as string | undefined);
  const local = await openLocalVault({
    config: options.config as string | undefined,
    server: options.server,
  });
  try {
    const result = await migrateConfigFile(target, local.vault, env, localActor('migrate'), {
      dryRun: options.dryRun === true,
    });
    if (result.migrated.length === 0) {
      process.stdout.write(`${target}: no plaintext credentials to migrate\n`);
    } else {
      printTable(
        ['REGISTRY', 'VAULT ADDRESS', 'USER', 'KIND'],
        result.migrated.map((m) => [m.key, m.address, m.user || '-', m.kind]),
      );
      process.stdout.write(
        options.dryRun
          ? `dry run: ${result.migrated.length} credential(s) would move into environment ${env}\n`
          : `moved ${result.migrated.length} credential(s) into environment ${env}; ${target} now uses docker-credential-purser (backup: ${result.backup})\n`,
      );
    }
    for (const s of result.skipped) process.stderr.write(`purser: skipped ${s}\n`);
  } finally {
    await local.close();
  }
}
