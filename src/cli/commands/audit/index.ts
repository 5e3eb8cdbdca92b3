/**
 * `purser audit …`: the audit log (registry events and the authority's own entries), through
 * the API (local data directory, or `--server`). Administrators see everything; a registry's
 * responsible managers see that registry.
 */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { ExportOptions, ListOptions, PruneCommandOptions, UsageOptions } from './run.ts';

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
  purser audit usage sha256:4f2a…                              # by digest
  purser audit prune                                           # retention from purser.yaml's audit:

Repeated token grants (same principal, scopes, registry, address and client within one minute)
are kept as one row: COUNT says how many grants it stands for, TIME is the first and LAST_TIME
the last (JSON and CSV: "count" and "last_time"; null for a single entry).`,
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

  jsonOption(
    audit
      .command('prune')
      .description(
        'compact repeated token grants and delete entries past retention (audit.retention_days, audit.max_rows), on the data directory',
      )
      .option(
        '--retention-days <n>',
        'delete entries older than this many days (default: audit.retention_days)',
      )
      .option('--max-rows <n>', 'keep at most this many rows, deleting the oldest (default: audit.max_rows)'),
    'print the summary as JSON',
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await run()).prune(optionsOf<PruneCommandOptions>(command))),
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
