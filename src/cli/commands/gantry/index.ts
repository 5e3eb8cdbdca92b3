/**
 * `purser gantry login` and `purser gantry import`: Gantry's registry credential inputs, checked
 * without a Docker daemon and written to Docker client configurations or the vault.
 */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { ImportOptions, LoginOptions } from './run.ts';

const INPUTS = `
Inputs (Gantry's own variables; each of the first four may come from <NAME>_FILE, e.g. a Docker
secret, which wins when set):
  GANTRY_REGISTRY_USER, GANTRY_REGISTRY_PASSWORD   one credential
  GANTRY_REGISTRY_HOST                             its registry (empty = Docker Hub)
  GANTRY_REGISTRY_CONFIG                           its configuration directory (empty = default)
  GANTRY_REGISTRY_CONFIGS_FILE                     a file of credentials, one per line:
      <configuration> <registry> <user> <password>
    separated by spaces or tabs; blank lines and lines starting with # are skipped; a password
    cannot contain spaces. A configuration is a Docker client configuration directory (what
    "docker --config DIR" takes), relative to the working directory or absolute.

Strict by default, as Gantry's code is: one invalid line (reported with its line number), or one
credential the registry refuses, and nothing is written. --lenient skips bad lines (still
reporting them), as Gantry's documentation promises, and writes every credential that verifies.`;

const WRITABLE = `
The configuration directory must be writable: docker buildx imagetools inspect (Gantry's default
manifest command) writes under it (DIR/buildx), and config.json is replaced atomically (a
temporary file next to it, then a rename). To keep the credentials themselves read-only, mount a
writable directory and only config.json read-only on top of it:

  docker service create --name gantry \\
    --mount type=volume,source=gantry-docker,target=/root/.docker \\
    --mount type=bind,source=/srv/gantry/config.json,target=/root/.docker/config.json,readonly \\
    ...

and run purser gantry login (or purser export docker-config --out /srv/gantry/config.json) on
the host to update /srv/gantry/config.json. A config.json that already holds exactly the
credentials to write is left untouched, so a read-only, up-to-date file is not an error.`;

export function register(program: Command): void {
  const gantry = program
    .command('gantry')
    .description("Gantry's registry credentials: log in without a daemon, or import into the vault")
    .addHelpText('after', `${INPUTS}\n${WRITABLE}\n\nSee docs/gantry.md.`);

  gantry
    .command('login')
    .description('verify each Gantry credential against its registry and write it to DIR/config.json')
    .option('--configs-file <file>', 'read this configs file (default: $GANTRY_REGISTRY_CONFIGS_FILE)')
    .option('--lenient', 'skip invalid lines instead of refusing to write anything')
    .option(
      '--insecure',
      'allow plain HTTP and unverified TLS for every registry (loopback registries always are)',
    )
    .option('--dry-run', 'verify only; write nothing')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `${INPUTS}

For each credential: the registry is pinged (/v2/) and its Basic or Bearer challenge followed,
with no Docker daemon or CLI involved; then DIR/config.json (default
\${DOCKER_CONFIG:-$HOME/.docker}/config.json) is created, or updated atomically keeping all its
other content (other registries, credHelpers, proxies…), file mode and owner. Docker Hub is
written under https://index.docker.io/v1/, the key the docker CLI reads.
${WRITABLE}

Exit status: 0 when every credential was written; 1 when a credential failed; 2 for invalid
input in strict mode.

Examples:
  GANTRY_REGISTRY_CONFIGS_FILE=/run/secrets/registries purser gantry login
  purser gantry login --configs-file registries.txt --lenient
  GANTRY_REGISTRY_HOST=ghcr.io GANTRY_REGISTRY_USER=bot GANTRY_REGISTRY_PASSWORD_FILE=/run/secrets/ghcr \\
    GANTRY_REGISTRY_CONFIG=/etc/gantry/ghcr purser gantry login`,
    )
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await import('./run.ts')).runLogin(optionsOf<LoginOptions>(command))),
    );

  gantry
    .command('import')
    .description('store Gantry credentials in the vault, one environment per configuration directory')
    .option('--configs-file <file>', 'read this configs file (default: $GANTRY_REGISTRY_CONFIGS_FILE)')
    .option('--lenient', 'skip invalid lines instead of refusing to import anything')
    .option('-e, --env <name>', 'put every credential into this environment instead')
    .option('--no-verify', 'do not check the credentials against their registries first')
    .option('--insecure', 'allow plain HTTP and unverified TLS for every registry')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `${INPUTS}

Each configuration directory becomes a vault environment: the default location (empty
configuration) becomes "default"; any other directory an environment named after its last path
component, lowercased, other characters replaced by "-" (/etc/gantry/GHCR → ghcr). Two
directories that would share a name are refused. Write an environment back out with
  purser export docker-config --env ghcr --out /etc/gantry/ghcr/config.json
${WRITABLE}

Examples:
  purser gantry import --configs-file registries.txt
  purser gantry import --configs-file registries.txt --env prod --lenient`,
    )
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await import('./run.ts')).runImport(optionsOf<ImportOptions>(command))),
    );
}
