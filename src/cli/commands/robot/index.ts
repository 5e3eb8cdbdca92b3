/** `purser robot …`: Quay-style robot accounts (owner+name) limited to listed repositories. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import { collectList as collect } from '../../options.ts';
import type { AddOptions } from './run.ts';

export function register(program: Command): void {
  const robot = program
    .command('robot')
    .description('manage robot accounts (CI credentials limited to some repositories)')
    .addHelpText(
      'after',
      `
A robot may only touch its repositories (names or globs: * within a path component,
** across "/"): read = pull, write = pull+push, admin = pull+push+delete. Nothing after
--expires.

Examples:
  purser robot add ci+builder --repository team/web --repository 'team/api-*' --permission write --expires 2027-12-31
  purser robot list
  purser robot regenerate ci+builder > builder.secret
  purser robot rm ci+builder`,
    );
  const run = async () => import('./run.ts');
  robot
    .command('add <name>')
    .description('create a robot (name owner+name); prints the generated secret once on stdout')
    .requiredOption('-r, --repository <pattern>', 'repository name or glob (repeatable)', collect, [])
    .requiredOption('--permission <permission>', 'read | write | admin')
    .option('--expires <date>', 'YYYY-MM-DD (end of that day, UTC) or an ISO date-time')
    .option(
      '--secret-stdin',
      'read the secret from standard input (at least 16 characters) instead of generating one',
    )
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).add(name, optionsOf<AddOptions>(command))),
    );
  robot
    .command('list')
    .alias('ls')
    .description('list robots')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).list(optionsOf<GlobalOptions>(command))),
    );
  robot
    .command('rm <name>')
    .description('delete a robot')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).remove(name, optionsOf<GlobalOptions>(command))),
    );
  robot
    .command('regenerate <name>')
    .description('replace the secret; prints the new secret once on stdout (nothing else)')
    .addHelpText(
      'after',
      '\nExample:\n  purser robot regenerate ci+builder | gh secret set REGISTRY_PASSWORD',
    )
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).regenerate(name, optionsOf<GlobalOptions>(command))),
    );
}
