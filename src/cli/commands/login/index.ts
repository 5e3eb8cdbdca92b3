/** `purser login REGISTRY`: check credentials against a registry (no Docker daemon) and store them. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { LoginOptions } from './run.ts';

export function register(program: Command): void {
  program
    .command('login <registry>')
    .description(
      'check registry credentials (ping /v2/, follow the Basic or Bearer challenge) and store them in the vault',
    )
    .requiredOption('-u, --username <name>', 'user name')
    .option('--password-stdin', 'read the password or token from standard input')
    .option('--password-file <file>', 'read the password or token from a file')
    .option('-e, --env <name>', 'vault environment to store into (default "default")')
    .option('--insecure', 'allow plain HTTP and unverified TLS (loopback registries always are)')
    .option('--no-store', 'only check; do not store')
    .addHelpText(
      'after',
      `
REGISTRY is host[:port] (a scheme or Docker Hub alias is accepted and normalized).

Examples:
  echo "$PASSWORD" | purser login registry.example.com --username ci --password-stdin
  purser login docker.io -u alice --password-file ~/.hub-token --env prod`,
    )
    .action(async (registry: string, _o: unknown, command: Command) =>
      present(command, async () =>
        (await import('./run.ts')).login(registry, optionsOf<LoginOptions>(command)),
      ),
    );
}
