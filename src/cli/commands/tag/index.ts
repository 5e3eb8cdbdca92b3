/**
 * `purser tag …`: list and delete tags on a registry, honouring the access model (deleting
 * needs the right to push). Deleting one tag never deletes other tags that share its digest.
 */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { ListOptions, RemoveOptions } from './run.ts';

export function register(program: Command): void {
  const tag = program
    .command('tag')
    .description('list and delete tags (tags sharing a digest with a deleted tag are kept)')
    .addHelpText(
      'after',
      `
Examples:
  purser tag ls registry.test team/app
  purser tag rm registry.test team/app:v1                 # team/app:v1-alias (same digest) stays
  purser tag rm registry.test team/app:v1 team/app:v2 --dry-run
  purser tag rm registry.test team/app --all --dry-run    # every tag of the repository

The registry must run with storage.delete.enabled: true (purser registry config SERVICE
--format distribution sets it); otherwise rm says so and changes nothing.`,
    );
  const run = async () => import('./run.ts');

  jsonOption(
    tag
      .command('ls <service> <repository>')
      .alias('list')
      .description('tags of a repository, with digests (from the index)'),
    'print JSON',
    true,
  ).action(async (service: string, repository: string, _o: unknown, command: Command) =>
    present(command, async () => (await run()).list(service, repository, optionsOf<ListOptions>(command))),
  );

  jsonOption(
    tag
      .command('rm <service> <references...>')
      .alias('delete')
      .description('delete REPOSITORY:TAG (several allowed), or every tag of REPOSITORY with --all')
      .option('--all', 'delete every tag of each REPOSITORY given')
      .option('--dry-run', 'show what would be deleted and how, change nothing'),
    'print the outcome as JSON',
    true,
  ).action(async (service: string, references: string[], _o: unknown, command: Command) =>
    present(command, async () =>
      (await run()).remove(service, references, optionsOf<RemoveOptions>(command)),
    ),
  );
}
