/** `purser export FORMAT`: write vault credentials in a runtime's own format. */
import type { Command } from 'commander';

export const EXPORT_FORMATS = [
  'docker-config',
  'podman-auth',
  'k8s-secret',
  'rkt',
  'mesos',
  'butane',
  'gantry',
  'rke2',
] as const;

export function register(program: Command): void {
  program
    .command('export <format>')
    .description(`write credentials for a runtime: ${EXPORT_FORMATS.join(', ')}`)
    .option('-e, --env <name>', 'environment (default "default")')
    .option(
      '-r, --registry <address...>',
      'only these registries (default: every active, allowed credential)',
    )
    .option(
      '--out <path>',
      'write to this file (docker-config/podman-auth: merged into it atomically) or directory (rkt)',
    )
    .option(
      '--helper',
      'docker-config/podman-auth: write credHelpers entries pointing to docker-credential-purser instead of secrets',
    )
    .option('--name <name>', 'k8s-secret: Secret name', 'regcred')
    .option('-n, --namespace <ns>', 'k8s-secret: namespace')
    .option('--legacy', 'k8s-secret: kubernetes.io/dockercfg instead of kubernetes.io/dockerconfigjson')
    .option('-o, --output <format>', 'k8s-secret: yaml | json', 'yaml')
    .option('--docker-auth', 'rkt: write rktKind dockerAuth files (registries) instead of auth (domains)')
    .option('--variant <variant>', 'butane: flatcar | fcos', 'flatcar')
    .option('--path <path>', 'butane: where the node gets config.json', '/home/core/.docker/config.json')
    .option('--mode <octal>', 'butane: file mode', '0644')
    .option(
      '--source <url>',
      'butane: fetch config.json from this URL (verified by sha512) instead of inlining it',
    )
    .option(
      '--content-out <file>',
      'butane with --source: where to write the config.json to publish at the URL',
    )
    .option('--configuration <dir>', 'gantry: the Docker config directory column', '/root/.docker')
    .addHelpText(
      'after',
      `
Formats:
  docker-config  ~/.docker/config.json "auths" (Docker Hub as https://index.docker.io/v1/), or
                 --helper: "credHelpers" → purser; --out merges into an existing file keeping
                 its other keys and permissions
  podman-auth    containers auth.json (Docker Hub as docker.io); --helper and --out as above
  k8s-secret     kubernetes.io/dockerconfigjson Secret (same content as kubectl create secret
                 docker-registry); --legacy for kubernetes.io/dockercfg; YAML or --output json
  rkt            one auth.d JSON per registry (--out DIR when there are several)
  mesos          docker.tar.gz with .docker/config.json for Marathon "uris" (needs --out)
  butane         Flatcar/FCOS Butane config writing config.json (inline, or --source URL)
  gantry         GANTRY_REGISTRY_CONFIGS_FILE lines "<configuration> <registry> <user> <password>"
  rke2           RKE2/K3s registries.yaml configs.<host>.auth

Examples:
  purser export docker-config --env prod --out ~/.docker/config.json
  purser export docker-config --helper --out ~/.docker/config.json
  purser export k8s-secret --name regcred -n apps --output json | kubectl apply -f -
  purser export mesos --out /etc/docker.tar.gz`,
    )
    .action(async (format: string, _o: unknown, command: Command) =>
      (await import('./run.ts')).exportCredentials(format, command.optsWithGlobals()),
    );
}
