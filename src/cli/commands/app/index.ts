/** `purser app …`: applications, whose images live under apps/<app>/ in every registry. */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import { collectList as collect } from '../../options.ts';
import type { AddOptions } from './run.ts';

export function register(program: Command): void {
  const app = program
    .command('app')
    .description('manage applications (apps/<app>/... repositories)')
    .addHelpText(
      'after',
      `
Members of an app's publication groups may pull apps/<app>/...; members of its responsible
groups may push there. Services of the app may pull it.

Examples:
  purser app add shop --publication dev --responsible ops
  purser app list --json
  purser app rm shop`,
    );
  const run = async () => import('./run.ts');
  app
    .command('add <name>')
    .description('create an application')
    .option('--publication <group>', 'group that may pull the app (repeatable)', collect, [])
    .option('--responsible <group>', 'group that may push the app (repeatable)', collect, [])
    .option('--id <n>', 'numeric id (assigned when absent)')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).add(name, optionsOf<AddOptions>(command))),
    );
  jsonOption(app.command('list').alias('ls').description('list applications')).action(
    async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).list(optionsOf<GlobalOptions>(command))),
  );
  app
    .command('rm <name>')
    .description('delete an application (its services stay, without an app)')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).remove(name, optionsOf<GlobalOptions>(command))),
    );
}
