/** `purser rules …`: the ordered custom allow/deny rules. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';

export function register(program: Command): void {
  const rules = program
    .command('rules')
    .description('show or replace the custom access rules')
    .addHelpText(
      'after',
      `
Rules are read in order before the access model; for each action the first matching rule
that lists it decides (allow or deny); actions no rule decides fall back to the model.

A rules file is a YAML list:
  - id: no-prod-push
    effect: deny
    actions: [push, delete]
    repository: 'prod/**'
    principals: { kinds: [user] }
  - id: own-scratch
    effect: allow
    actions: ['*']
    repository: 'scratch/\${account}/**'
    sources: [10.0.0.0/8]

Examples:
  purser rules list
  purser rules set rules.yaml
  purser explain --account alice --service registry.test --scope repository:prod/web:push`,
    );
  const run = async () => import('./run.ts');
  rules
    .command('list')
    .alias('ls')
    .description('print the rules (YAML)')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).list(optionsOf<GlobalOptions>(command))),
    );
  rules
    .command('set <file>')
    .description(
      'replace every rule with the YAML list in FILE (all problems are reported; nothing changes unless all are valid)',
    )
    .action(async (file: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).set(file, optionsOf<GlobalOptions>(command))),
    );
}
