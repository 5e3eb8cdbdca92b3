/** `purser explain`: why an account may or may not pull, push or delete something. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import { collectEach } from '../../options.ts';
import type { ExplainOptions } from './run.ts';

export function register(program: Command): void {
  program
    .command('explain')
    .description('explain an access decision: which rule or clause decided each action, and why')
    .requiredOption('-a, --account <name>', 'user, service or robot name')
    .requiredOption('-s, --service <service>', "the registry's token service")
    // No default: commander's own check then names the flag when it is missing.
    .requiredOption(
      '--scope <scope>',
      'type:name:actions, e.g. repository:team/web:pull,push (repeatable)',
      collectEach,
    )
    .option('-k, --kind <kind>', 'user | service | robot (when the name is ambiguous or to be sure)')
    .option('--source <address>', 'client address, for rules with sources')
    .option('--json', 'print the structured explanation as JSON')
    .addHelpText(
      'after',
      `
Every action gets a verdict: allowed or denied, decided by a custom rule (rule #N 'id') or
by a clause of the access model (seed: publication, responsible, privilege, user-namespace,
group-namespace, app-namespace, registry-groups, service-app, robot-repositories, ...).

Examples:
  purser explain --account alice --service registry.test --scope repository:team/web:pull,push
  purser explain --account ci+builder --kind robot --service registry.test --scope repository:team/api:push,delete
  purser explain --account node1.example.com --service registry.test --scope 'repository:apps/shop/web:*' --json`,
    )
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await import('./run.ts')).explain(optionsOf<ExplainOptions>(command))),
    );
}
