/** `purser export FORMAT`: write vault credentials in a runtime's own format (formats/exporters.ts). */
import type { Command } from 'commander';
import { EXPORT_DEFAULTS, EXPORT_FORMATS, EXPORTERS } from '../../../formats/exporters.ts';
import { optionsOf, present } from '../../action.ts';
import type { KubeletProviderConfigOptions } from './kubelet-provider-config.ts';
import type { ExportOptions } from './run.ts';

/** Not a credential format (no secret is read): the kubelet's configuration for the provider. */
const KUBELET_PROVIDER_CONFIG = 'kubelet-provider-config';

/** The format list of the help, from the exporter registry (wrapped at 95 columns). */
function formatsHelp(): string {
  const width = Math.max(...EXPORTERS.map((e) => e.name.length)) + 2;
  const lines: string[] = [];
  for (const exporter of EXPORTERS) {
    let line = `  ${exporter.name.padEnd(width)}`;
    for (const word of exporter.summary.split(' ')) {
      if (line.length + word.length + 1 > 95 && line.trim() !== exporter.name) {
        lines.push(line.trimEnd());
        line = ' '.repeat(width + 2);
      }
      line += `${word} `;
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('export <format>')
    .description(
      `write credentials for a runtime: ${[...EXPORT_FORMATS, KUBELET_PROVIDER_CONFIG].join(', ')}`,
    )
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
    .option('--name <name>', 'k8s-secret: Secret name', EXPORT_DEFAULTS.name)
    .option('-n, --namespace <ns>', 'k8s-secret: namespace')
    .option('--legacy', 'k8s-secret: kubernetes.io/dockercfg instead of kubernetes.io/dockerconfigjson')
    .option('-o, --output <format>', 'k8s-secret: yaml | json', EXPORT_DEFAULTS.encoding)
    .option('--docker-auth', 'rkt: write rktKind dockerAuth files (registries) instead of auth (domains)')
    .option('--variant <variant>', 'butane: flatcar | fcos', EXPORT_DEFAULTS.variant)
    .option('--path <path>', 'butane: where the node gets config.json', EXPORT_DEFAULTS.path)
    .option('--mode <octal>', 'butane: file mode', `0${EXPORT_DEFAULTS.mode.toString(8)}`)
    .option(
      '--source <url>',
      'butane: fetch config.json from this URL (verified by sha512) instead of inlining it',
    )
    .option(
      '--content-out <file>',
      'butane with --source: where to write the config.json to publish at the URL',
    )
    .option(
      '--configuration <dir>',
      'gantry: the Docker config directory column',
      EXPORT_DEFAULTS.configuration,
    )
    .option('--match <glob...>', 'kubelet-provider-config: image globs the provider answers (matchImages)')
    .option(
      '--purser-url <url>',
      'kubelet-provider-config: ask this Purser instead of the local data directory',
    )
    .option('--purser-username <name>', 'kubelet-provider-config: the service account for --purser-url')
    .option(
      '--purser-password-file <file>',
      'kubelet-provider-config: the file on the node holding its secret',
    )
    .option(
      '--default-cache-duration <duration>',
      'kubelet-provider-config: for static credentials (default 10m)',
    )
    .addHelpText(
      'after',
      () => `
Formats:
${formatsHelp()}
  ${KUBELET_PROVIDER_CONFIG}
              the kubelet's CredentialProviderConfig for purser-credential-provider (no secret)

Examples:
  purser export docker-config --env prod --out ~/.docker/config.json
  purser export docker-config --helper --out ~/.docker/config.json
  purser export k8s-secret --name regcred -n apps --output json | kubectl apply -f -
  purser export mesos --out /etc/docker.tar.gz
  purser export kubelet-provider-config --match '*.dkr.ecr.*.amazonaws.com' --match '*.azurecr.io' \\
    --env prod --out /etc/kubernetes/credential-providers.yaml`,
    )
    .action(async (format: string, _o: unknown, command: Command) =>
      present(command, async () =>
        format === KUBELET_PROVIDER_CONFIG
          ? (await import('./kubelet-provider-config.ts')).kubeletProviderConfig(
              optionsOf<KubeletProviderConfigOptions>(command),
            )
          : (await import('./run.ts')).exportCredentials(format, optionsOf<ExportOptions>(command)),
      ),
    );
}
