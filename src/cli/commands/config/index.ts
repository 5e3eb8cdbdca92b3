/** `purser config check`: is a configuration file valid, and what would it change in access. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { CheckOptions } from './run.ts';

export function register(program: Command): void {
  const config = program.command('config').description('check a configuration file before a start or reload');
  config
    .command('check [file]')
    .description(
      'validate FILE (default: the --config / PURSER_CONFIG file) and show the effective-access changes it would make',
    )
    .option('--json', 'print {file, warnings, changes}')
    .addHelpText(
      'after',
      `
Every problem is printed as path: message (exit 2, as at start). Then the access diff: per
registry, principal and namespace, the actions before and after, as purser access diff
--config FILE shows them. Nothing is applied.

Examples:
  purser config check /etc/purser/purser.new.yaml
  purser --server https://purser.example.com config check purser.new.yaml`,
    )
    .action(async (file: string | undefined, _o: unknown, command: Command) =>
      present(command, async () => (await import('./run.ts')).check(file, optionsOf<CheckOptions>(command))),
    );
}
