/**
 * Registry-integration subcommands of `purser registry` (the group itself belongs to the
 * registry commands): `purser registry sync SERVICE`.
 */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { SyncOptions } from './run.ts';

export function registerRegistryIntegration(registryCommand: Command): void {
  const sync = registryCommand
    .command('sync <service>')
    .description(
      "discover the registry's repositories and tags now (the server also does this every 2 minutes)",
    )
    .option('--deep', 're-resolve the digest of every tag, not only of new ones')
    .addHelpText(
      'after',
      `
Walks /v2/_catalog and every repository's tags with a token Purser issues to itself.
Nothing known is dropped because a fetch failed; repositories whose tags are all gone are
marked empty. Shows a progress bar on a terminal, progress lines otherwise.

Examples:
  purser registry sync registry.test
  purser --server https://purser.example.com registry sync registry.test --json`,
    );
  jsonOption(sync, 'print the report as JSON (no progress)', true).action(
    async (service: string, _o: unknown, command: Command) =>
      present(command, async () => (await import('./run.ts')).sync(service, optionsOf<SyncOptions>(command))),
  );
}
