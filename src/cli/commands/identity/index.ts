/**
 * `purser identity …`: the identity sources (LDAP, RADIUS, OIDC) people log in through besides
 * Purser's own accounts. Works on the local data directory, or on a server with --server URL.
 */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { SourceOptions } from './run.ts';

export function register(program: Command): void {
  const identity = program
    .command('identity')
    .description('list, check and sync the identity sources (identity.sources in purser.yaml)')
    .addHelpText(
      'after',
      `
Sources are configured in purser.yaml under identity.sources and tried in that order, after
Purser's own accounts (docs/identity.md). A person a source vouches for becomes a Purser user
bound to it at their first login; "purser user list" shows the SOURCE.

Examples:
  purser identity list
  purser identity check                   # asks every source now (a bind, a discovery...)
  purser identity check --source corp --json
  purser identity sync --source corp      # refresh the groups of everyone bound to corp`,
    );
  const run = async () => import('./run.ts');
  jsonOption(
    identity
      .command('list')
      .alias('ls')
      .description('list the sources, whether they answer, and their users'),
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await run()).list(optionsOf<SourceOptions>(command))),
  );
  jsonOption(
    identity
      .command('check')
      .description("check each source's health now (exit 7 when one is down)")
      .option('--source <name>', 'only this source'),
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await run()).check(optionsOf<SourceOptions>(command))),
  );
  jsonOption(
    identity
      .command('sync')
      .description('refresh the groups and privileges of the users bound to the sources')
      .option('--source <name>', 'only this source')
      .addHelpText(
        'after',
        `
Only sources that can look people up without their password (LDAP) are synced: the mapped
groups and privileges are written again, and a person the directory no longer holds is
disabled. RADIUS and OIDC users are refreshed at their next login.`,
      ),
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await run()).sync(optionsOf<SourceOptions>(command))),
  );
}
