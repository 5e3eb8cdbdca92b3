/** `purser group …`: groups of users (publication and responsible groups of apps and registries). */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import type { AddOptions } from './run.ts';

export function register(program: Command): void {
  const group = program
    .command('group')
    .description('manage groups')
    .addHelpText(
      'after',
      `
Groups are also created implicitly when a user, app or registry names them.

Examples:
  purser group add dev
  purser group add ops --id 20
  purser group list
  purser group rm old-team`,
    );
  const run = async () => import('./run.ts');
  group
    .command('add <name>')
    .description('create a group')
    .option('--id <n>', 'numeric id (assigned when absent)')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).add(name, optionsOf<AddOptions>(command))),
    );
  jsonOption(group.command('list').alias('ls').description('list groups and their members')).action(
    async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).list(optionsOf<GlobalOptions>(command))),
  );
  group
    .command('rm <name>')
    .description('delete a group (members, apps and registries lose it)')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).remove(name, optionsOf<GlobalOptions>(command))),
    );
}
