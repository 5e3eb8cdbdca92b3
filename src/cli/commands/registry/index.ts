/**
 * `purser registry …`: the registries Purser issues tokens for, and what they need to trust
 * it (`registry config`). Trust (`registry trust`) and discovery (`registry sync`) are their own
 * command folders; the command registry (commands/index.ts) adds them to this group.
 */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import { collectList as collect } from '../../options.ts';
import type { AddOptions, ConfigOptions, UpdateOptions } from './run.ts';

/** Registers the group and returns it, for the subcommands that live in other folders. */
export function register(program: Command): Command {
  const registry = program
    .command('registry')
    .description('manage registries and print their configuration')
    .addHelpText(
      'after',
      `
SERVICE is the registry's token service (REGISTRY_AUTH_TOKEN_SERVICE), the audience of
the tokens Purser issues for it.

Examples:
  purser registry add registry.test --url http://127.0.0.1:5000 --insecure --publication dev --responsible ops
  purser registry list
  purser registry config registry.test --format distribution --bundle-out /etc/docker/registry/purser-bundle.pem
  purser registry config registry.test --format jwks > /etc/docker/registry/purser.jwks
  purser registry rm registry.test`,
    );
  const run = async () => import('./run.ts');

  registry
    .command('add <service>')
    .description('add a registry')
    .requiredOption('--url <url>', 'the registry URL (http(s)://host[:port])')
    .option('--restricted', 'pushing needs a responsible group (not just a publication group)')
    .option('--insecure', 'the registry speaks plain HTTP or has an untrusted certificate')
    .option('--publication <group>', 'group whose members may pull (repeatable)', collect, [])
    .option('--responsible <group>', 'group whose members may push and manage it (repeatable)', collect, [])
    .option('--sync-interval <seconds>', 'catalog discovery interval in seconds')
    .action(async (service: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).add(service, optionsOf<AddOptions>(command))),
    );

  jsonOption(
    registry
      .command('list')
      .alias('ls')
      .description('list registries (managers see the ones they are responsible for)'),
  ).action(async (_o: unknown, command: Command) =>
    present(command, async () => (await run()).list(optionsOf<GlobalOptions>(command))),
  );

  jsonOption(registry.command('show <service>').description('show one registry')).action(
    async (service: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).show(service, optionsOf<GlobalOptions>(command))),
  );

  registry
    .command('update <service>')
    .description('change a registry (administrators, and managers responsible for it)')
    .option('--url <url>', 'the registry URL')
    .option('--restricted', 'pushing needs a responsible group')
    .option('--no-restricted', 'pushing needs a publication group')
    .option('--insecure', 'plain HTTP or an untrusted certificate')
    .option('--no-insecure', 'verified HTTPS')
    .option('--publication <group>', 'replace the publication groups (repeatable)', collect, undefined)
    .option('--responsible <group>', 'replace the responsible groups (repeatable)', collect, undefined)
    .option('--sync-interval <seconds>', 'catalog discovery interval in seconds')
    .addHelpText(
      'after',
      '\nExamples:\n  purser registry update registry.test --restricted --responsible ops --responsible release\n  purser registry update registry.test --no-insecure --url https://registry.example.com',
    )
    .action(async (service: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).update(service, optionsOf<UpdateOptions>(command))),
    );

  registry
    .command('rm <service>')
    .description('delete a registry (tokens for it are no longer issued)')
    .action(async (service: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).remove(service, optionsOf<GlobalOptions>(command))),
    );

  registry
    .command('config <service>')
    .description('print what the registry needs to trust Purser')
    .option('-f, --format <format>', 'distribution | bundle | jwks | nginx', 'distribution')
    .option(
      '--rootcertbundle <path>',
      'bundle path on the registry host, written into auth.token.rootcertbundle (default: the --bundle-out path, else /etc/docker/registry/purser-bundle.pem)',
    )
    .option(
      '--bundle-out <file>',
      'with --format distribution: also write the certificate bundle to FILE (and point rootcertbundle at it)',
    )
    .option(
      '--rotate-notify-secret',
      'with --format distribution: make a new notification secret (by default the current one is kept)',
    )
    .option('--listen <listen>', 'with --format nginx: the listen value (default 443 with TLS, 80 without)')
    .option('--server-name <name>', 'with --format nginx: server_name')
    .option('--tls-certificate <path>', 'with --format nginx: certificate file on the nginx host')
    .option('--tls-key <path>', 'with --format nginx: key file on the nginx host')
    .addHelpText(
      'after',
      `
Formats:
  distribution  a config.yml fragment: auth.token (realm, service, issuer, rootcertbundle),
                storage.delete.enabled and the notifications endpoint with its secret
                (the same secret every time; --rotate-notify-secret makes a new one, and
                the previous one keeps working until the registry sends the new one)
  bundle        the PEM certificates of every published signing key (rootcertbundle)
  jwks          the JWKS of every published key (Distribution 3: auth.token.jwks)
  nginx         an nginx server block in front of the registry

After "purser keys rotate", give registries the new bundle (or JWKS) again: rerunning
"purser registry config" is safe, event delivery keeps working.

Examples:
  purser registry config registry.test > /etc/docker/registry/purser.yml
  purser registry config registry.test --bundle-out /etc/docker/registry/purser-bundle.pem
  purser registry config registry.test --rotate-notify-secret > /etc/docker/registry/purser.yml
  purser registry config registry.test --format bundle > bundle.pem
  purser registry config registry.test --format jwks > jwks.json
  purser registry config registry.test --format nginx --server-name registry.example.com \\
      --tls-certificate /etc/nginx/tls/registry.crt --tls-key /etc/nginx/tls/registry.key`,
    )
    .action(async (service: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).config(service, optionsOf<ConfigOptions>(command))),
    );
  return registry;
}
