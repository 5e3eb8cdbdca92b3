/**
 * `purser resolve IMAGE [--label KEY=VALUE ...] [--service-inspect FILE] [--env E] [--json]`:
 * which credential and Docker client configuration a workload uses, and why.
 */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import { collectEach as collect } from '../../options.ts';
import type { ResolveOptions } from './run.ts';

export function register(program: Command): void {
  program
    .command('resolve [image]')
    .description('explain which credential and Docker client configuration an image or swarm service uses')
    .option(
      '-l, --label <key=value>',
      'a service label, e.g. gantry.auth.config=/cfg/ghcr (repeatable)',
      collect,
    )
    .option(
      '--service-inspect <file>',
      'resolve every service in `docker service inspect` JSON ("-" = stdin)',
    )
    .option(
      '-e, --env <name>',
      'vault environment for the default registry, allowlist and stored credential',
      'default',
    )
    .option(
      '--configs-file <file>',
      'a Gantry configs file to learn configurations from (default: $GANTRY_REGISTRY_CONFIGS_FILE)',
    )
    .option('--json', 'print the resolution as JSON')
    .addHelpText(
      'after',
      `
For an image (or each service), prints step by step: the normalized reference, the registry
(Docker Hub's aliases are one registry), whether the environment's allowlist admits it and
whether its stored credential is active, the Docker client configuration directory, where the
docker CLI reads the credential from, and the flags to add:

  docker [--config DIR] service update [--with-registry-auth] --image=IMAGE SERVICE

--config is added when DIR is not the default location; --with-registry-auth when a
configuration was selected (label or found automatically) or credentials exist for the registry.

Precedence of the configuration directory (as Gantry documents it):
  1. the service label gantry.auth.config (or purser.auth.config)
  2. a configuration found automatically: the only one known to hold a credential for the
     image's registry (known from GANTRY_REGISTRY_* variables and the configs file)
  3. DOCKER_CONFIG
  4. \${HOME}/.docker
Where Gantry's own code would decide differently (it needs three path parts to find a registry,
and compares registry names as plain strings), the output says so.

With --service-inspect, a @digest pin next to a tag is dropped (the tag is what gets updated).

Examples:
  purser resolve nginx:1.27
  purser resolve registry.example.com/app:2 --label gantry.auth.config=/etc/gantry/reg --json
  docker service inspect $(docker service ls -q) > services.json
  purser resolve --service-inspect services.json --env prod
  docker service inspect web | purser resolve --service-inspect - --json | jq -r '.[].command'`,
    )
    .action(async (image: string | undefined, _options: unknown, command: Command) =>
      present(command, async () =>
        (await import('./run.ts')).runResolve(image, optionsOf<ResolveOptions>(command)),
      ),
    );
}
