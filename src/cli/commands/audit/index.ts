/**
 * `purser audit …`: the audit log (registry events and the authority's own entries), through
 * the API (local data directory, or `--server`). Administrators see everything; a registry's
 * responsible managers see that registry.
 */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { ExportOptions, ListOptions, UsageOptions } from './run.ts';

function filters(command: Command): Command {
  return command
    .option('--principal <name>', 'who did it (user, service or robot name; "anonymous")')
    .option('--kind <kind>', 'principal kind: user | service | robot | anonymous | system')
    .option('--repository <name>', 'repository name')
    .option('--tag <tag>', 'tag')
    .option('--digest <digest>', 'manifest or blob digest (sha256:…)')
    .option(
      '--action <action>',
      'push, pull, mount, delete, login, token.issue… ("user." = every user.* action)',
    )
    .option('--service <service>', 'registry service')
    .option('--source <source>', "registry (events) | authority (Purser's own entries)")
    .option('--outcome <outcome>', 'success | failure | denied')
    .option('--since <time>', 'from this time (ISO 8601, epoch ms, or a duration ago: 30m, 24h, 7d)')
    .option('--until <time>', 'before this time (same forms)');
}

export function register(program: Command): void {
  const audit = program
    .command('audit')
    .description(
      "query and export the audit log: registry events (push, pull, delete) and Purser's own entries",
    )
    .addHelpText(
      'after',
      `
Examples:
  purser audit ls --repository team/web --action pull --since 24h
  purser audit ls --principal alice --per-page 100 --page 2
  purser audit export --format csv --since 2026-01-01 --output audit.csv
  purser audit usage team/web:v1 --service registry.test      # who pulled this image
  purser audit usage sha256:4f2a…                              # by digest`,
    );
  const run = async () => import('./run.ts');

  jsonOption(
    filters(
      audit
        .command('ls')
        .alias('list')
        .description('one page of entries, newest first')
        .option('--page <n>', 'page number', '1')
        .option('--per-page <n>', 'entries per page (max 1000)', '50'),
    ),
    'print the page as JSON',
    true,
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await run()).list(optionsOf<ListOptions>(command))),
  );

  filters(
    audit
      .command('export')
      .description('every matching entry, oldest first, as CSV or JSON')
      .option('--format <format>', 'csv | json', 'csv')
      .option('--output <file>', 'write to this file instead of standard output'),
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await run()).exportEntries(optionsOf<ExportOptions>(command))),
  );

  const usage = audit
    .command('usage <image>')
    .alias('who-pulled')
    .description('who pulled an image (users, services, robots), when, and from which address')
    .option('--service <service>', 'registry service (required when several registries are visible to you)')
    .option('--since <time>', 'only pulls from this time on')
    .addHelpText(
      'after',
      "\nIMAGE is REPOSITORY:TAG (the tag's current digest and pulls by that tag), REPOSITORY@DIGEST, or a digest.",
    );
  jsonOption(usage, 'print JSON', true).action(async (image: string, _o: unknown, command: Command) =>
    present(command, async () => (await run()).usage(image, optionsOf<UsageOptions>(command))),
  );
}
