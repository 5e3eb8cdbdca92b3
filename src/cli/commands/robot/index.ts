/** `purser robot …`: Quay-style robot accounts (owner+name) limited to listed repositories. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import { collectList as collect } from '../../options.ts';
import type { RobotConfigOptions } from './config.ts';
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
    .command('config <name>')
    .description("the robot's credential in a runtime's format: docker | podman | k8s-secret | mesos | rkt")
    .requiredOption('--format <format>', 'docker | podman | k8s-secret | mesos | rkt')
    .option('--registry <service...>', 'only these registries (their service names; default: every registry)')
    .option('--regenerate', 'replace the secret and include the new one (the old one stops working)')
    .option('--secret-stdin', 'include the secret you kept from its creation, read from standard input')
    .option('-n, --namespace <ns>', 'k8s-secret: namespace')
    .option('--out <path>', 'write to this file (mesos: the archive) or directory (rkt)')
    .addHelpText(
      'after',
      `
Purser keeps only a hash of a robot's secret: it is shown when the robot is created or
regenerated. Without --regenerate or --secret-stdin the output holds a placeholder, and the
command says so on stderr.

Examples:
  purser robot config ci+builder --format docker --regenerate > config.json
  purser robot config ci+builder --format k8s-secret -n ci --secret-stdin < builder.secret | kubectl apply -f -
  purser robot config ci+builder --format mesos --registry registry.example.com --regenerate --out docker.tar.gz`,
    )
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () =>
        (await import('./config.ts')).robotConfig(name, optionsOf<RobotConfigOptions>(command)),
      ),
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
