/** `purser login REGISTRY`: check credentials against a registry (no Docker daemon) and store them. */
import type { Command } from 'commander';
import { BadRequest } from '../../../domain/errors.ts';
import { optionsOf, present } from '../../action.ts';
import { positiveInteger } from '../../options.ts';
import type { LoginOptions } from './run.ts';
import type { SsoLoginOptions } from './sso.ts';

export function register(program: Command): void {
  program
    .command('login <registry>')
    .description(
      'check registry credentials (ping /v2/, follow the Basic or Bearer challenge) and store them in the vault',
    )
    .option('-u, --username <name>', 'user name (not with --sso)')
    .option('--sso', 'log in through the OIDC identity source and store the CLI secret it issues')
    .option('--source <name>', 'with --sso: the OIDC source (needed when several are configured)')
    .option('--timeout <seconds>', 'with --sso: how long the login may take (default 300)', (value: string) =>
      positiveInteger('--timeout', value),
    )
    .option('--password-stdin', 'read the password or token from standard input')
    .option('--password-file <file>', 'read the password or token from a file')
    .option('-e, --env <name>', 'vault environment to store into (default "default")')
    .option('--insecure', 'allow plain HTTP and unverified TLS (loopback registries always are)')
    .option('--no-store', 'only check; do not store')
    .addHelpText(
      'after',
      `
REGISTRY is host[:port] (a scheme or Docker Hub alias is accepted and normalized).

With --sso, Purser (the server given by --server, or the local data directory) sends you to
the OIDC provider: you enter a code on any device (device flow), or, when the provider has no
device endpoint, a browser on this machine comes back to a listener on 127.0.0.1. The CLI
secret it issues (pcs_...) is stored in the vault for REGISTRY, under your Purser user name;
"docker login -u NAME" takes it as the password. Running it again replaces the secret.

Examples:
  echo "$PASSWORD" | purser login registry.example.com --username ci --password-stdin
  purser login docker.io -u alice --password-file ~/.hub-token --env prod
  purser --server https://purser.example.com login --sso registry.example.com`,
    )
    .action(async (registry: string, _o: unknown, command: Command) =>
      present(command, async () => {
        const options = optionsOf<LoginOptions & SsoLoginOptions & { sso?: boolean }>(command);
        if (options.sso) {
          if (options.username !== undefined)
            throw new BadRequest('--username: not with --sso (the identity provider says who you are)');
          return (await import('./sso.ts')).ssoLogin(registry, options);
        }
        if (options.username === undefined)
          throw new BadRequest('--username: required (or --sso to log in through the identity provider)');
        return (await import('./run.ts')).login(registry, options);
      }),
    );
}
