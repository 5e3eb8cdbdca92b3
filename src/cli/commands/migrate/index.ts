/** `purser migrate [PATH]`: move plaintext credentials into the vault and switch the file to the helper. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { MigrateOptions } from './run.ts';

export function register(program: Command): void {
  program
    .command('migrate [path]')
    .description(
      'move plaintext credentials from a Docker config.json or containers auth.json into the vault, and point the file at docker-credential-purser',
    )
    .option('-e, --env <name>', 'vault environment (default "default")')
    .option('--dry-run', 'show what would move; change nothing')
    .option('--json', 'print what moved as JSON')
    .addHelpText(
      'after',
      `
PATH defaults to $DOCKER_CONFIG/config.json (~/.docker/config.json). The file is rewritten
atomically with its permissions kept, and the original is saved as PATH.bak (same permissions).
docker-credential-purser must be on PATH for docker, podman and skopeo to use the helper.`,
    )
    .action(async (file: string | undefined, _o: unknown, command: Command) =>
      present(command, async () =>
        (await import('./run.ts')).migrate(file, optionsOf<MigrateOptions>(command)),
      ),
    );
}
