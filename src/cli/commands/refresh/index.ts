/** `purser refresh --watch|--once`: keep the `refresh:` targets of purser.yaml fresh. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { RefreshOptions } from './run.ts';

export function register(program: Command): void {
  program
    .command('refresh')
    .description(
      "rewrite the files and Secrets listed under refresh: in purser.yaml before each token's half-life",
    )
    .option('--watch', 'keep running: rewrite each target again before its tokens reach half-life')
    .option('--once', 'write every target once (retrying a failure with backoff) and exit: for cron')
    .option('--json', 'one JSON object per report')
    .addHelpText(
      'after',
      `
The targets (purser.yaml, see docs/config.md and docs/cloud.md):
  refresh:
    interval: 3600          # seconds, for targets holding only static credentials
    targets:
      - { type: docker-config, path: /root/.docker/config.json, registries: [123456789012.dkr.ecr.eu-west-1.amazonaws.com] }
      - { type: podman-auth, path: /run/containers/0/auth.json, registries: [europe-docker.pkg.dev] }
      - { type: k8s-secret-file, path: /srv/manifests/regcred.yaml, name: regcred, namespace: ci, registries: [myregistry.azurecr.io] }
      - { type: k8s-secret, kubeconfig: /etc/purser/kubeconfig, name: regcred, namespace: ci, registries: [myregistry.azurecr.io] }
      - { type: rke2, path: /etc/rancher/rke2/registries.yaml, registries: [123456789012.dkr.ecr.eu-west-1.amazonaws.com] }

Each write is reported (written, failed, or refused: a token that expired and could not be
renewed is never written; the target keeps what it had). Failures are retried with backoff.
Credentials are read from the local vault (audited as credential.read, purpose refresh).

Exit status (--once): 0 when every target was written, 1 otherwise.

Examples:
  purser refresh --once --config /etc/purser/purser.yaml
  purser refresh --watch`,
    )
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await import('./run.ts')).refresh(optionsOf<RefreshOptions>(command))),
    );
}
