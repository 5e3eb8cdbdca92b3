/** `purser access …`: the access review (who can, what can, what a change alters, the report). */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { DiffOptions, ReportOptions, WhatCanOptions, WhoCanOptions } from './run.ts';

export function register(program: Command): void {
  const access = program
    .command('access')
    .description('review access: who can do what, what a change would alter, the periodic report')
    .addHelpText(
      'after',
      `
Every answer comes from the decision code the token endpoint uses, on the current model.
Disabled principals and expired robots are left out. A * in a scope's repository means
"some repository under this prefix" (repository:apps/shop/*:push); it is answered on one
repository per namespace clause and per rule or robot pattern (docs/access-review.md).

Examples:
  purser access who-can 'repository:apps/shop/*:push' --registry registry.example.com
  purser access what-can ci+builder --registry registry.example.com
  purser access diff --rules new-rules.yaml
  purser access diff --config purser.new.yaml
  purser access report --registry registry.example.com --format html > review-2026-q4.html`,
    );
  const run = async () => import('./run.ts');
  access
    .command('who-can <scope>')
    .description("every principal that would get at least one of the scope's actions, and which")
    .requiredOption('-r, --registry <service>', "the registry's token service")
    .option(
      '--source <address>',
      'client address, for rules with sources (default: none, so they match no one)',
    )
    .option('--json', 'print [{kind, name, actions}] sorted by kind then name')
    .action(async (scope: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).whoCan(scope, optionsOf<WhoCanOptions>(command))),
    );
  access
    .command('what-can <principal>')
    .description(
      'per registry, the namespaces a principal may pull, push and delete in, and what grants each',
    )
    .option('-r, --registry <service>', 'only this registry (default: every registry you manage)')
    .option('-k, --kind <kind>', 'user | service | robot | anonymous (when the name is ambiguous)')
    .option('--json', 'print JSON')
    .action(async (principal: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).whatCan(principal, optionsOf<WhatCanOptions>(command))),
    );
  access
    .command('diff')
    .description(
      'the effective-access changes a configuration file or a rules file would make (nothing is applied)',
    )
    .option('--config <file>', 'a new purser.yaml (its declared objects, laid over the current ones)')
    .option('--rules <file>', 'a YAML list of rules replacing the current ones')
    .option('--json', 'print [{registry, kind, name, namespace, before, after}]')
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).diff(optionsOf<DiffOptions>(command))),
    );
  access
    .command('report')
    .description('the dated matrix of principals × namespaces × actions of a registry, for an access review')
    .requiredOption('-r, --registry <service>', "the registry's token service")
    .option(
      '-f, --format <format>',
      'csv | json | html (a self-contained page with per-group summaries)',
      'csv',
    )
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).report(optionsOf<ReportOptions>(command))),
    );
}
