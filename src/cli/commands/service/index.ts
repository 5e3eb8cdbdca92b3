/** `purser service …`: machine identities (log in as a service, pull their app's images). */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import type { AddOptions } from './run.ts';

export function register(program: Command): void {
  const service = program
    .command('service')
    .description('manage service accounts (machines that pull their app)')
    .addHelpText(
      'after',
      `
A service logs in with its name and secret and may pull apps/<app>/... and the registry-wide
repositories of registries its app is published on. It never pushes.

Examples:
  purser service add node1.example.com --app shop          # prints a generated secret
  head -c 32 /dev/urandom | base64 | purser service add node2.example.com --app shop --secret-stdin
  purser service list
  purser service regenerate node1.example.com > node1.secret
  purser service rm node1.example.com`,
    );
  const run = async () => import('./run.ts');
  service
    .command('add <name>')
    .description('create a service account; prints the generated secret once on stdout')
    .requiredOption('--app <app>', 'the application this service runs')
    .option(
      '--secret-stdin',
      'read the secret from standard input (at least 16 characters) instead of generating one',
    )
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).add(name, optionsOf<AddOptions>(command))),
    );
  service
    .command('list')
    .alias('ls')
    .description('list service accounts')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).list(optionsOf<GlobalOptions>(command))),
    );
  service
    .command('rm <name>')
    .description('delete a service account')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).remove(name, optionsOf<GlobalOptions>(command))),
    );
  service
    .command('regenerate <name>')
    .description('replace the secret; prints the new secret once on stdout (nothing else)')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).regenerate(name, optionsOf<GlobalOptions>(command))),
    );
}
