/** `purser mirror config UPSTREAM --listen HOST:PORT`: a pull-through mirror and its clients. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { MirrorConfigOptions } from './run.ts';

export function register(program: Command): void {
  const mirror = program
    .command('mirror')
    .description("pull-through mirrors (Docker Hub's pull quota): registry and client configurations");
  mirror
    .command('config <upstream>')
    .description(
      'print a Distribution proxy-mode config.yml for UPSTREAM (docker.io or host[:port]) with the vault credential, and the client side',
    )
    .requiredOption('--listen <host:port>', "the mirror's http.addr (e.g. 127.0.0.1:5003)")
    .option('-e, --env <name>', 'vault environment holding the upstream\'s credential (default "default")')
    .option(
      '--registry <service>',
      'the mirror as registered in Purser (purser registry add): token auth through Purser',
    )
    .option(
      '--rootcertbundle <path>',
      "with --registry: where the mirror host keeps Purser's certificate bundle",
    )
    .option('--bundle-out <file>', 'with --registry: write that bundle here')
    .option('--remote-url <url>', "the upstream's API (default https://registry-1.docker.io for docker.io)")
    .option('--public-url <url>', 'how clients reach the mirror (default http://<listen>)')
    .option('--storage <dir>', 'where the mirror caches content (default /var/lib/registry-mirror)')
    .option(
      '--debug-listen <host:port>',
      "the mirror's http.debug.addr: /debug/vars counts what it served from its cache (purser ratelimit --mirror); also pprof, keep it on loopback",
    )
    .option(
      '--format <what>',
      'all | distribution | daemon-json | containerd | registries-conf (default all)',
      'all',
    )
    .addHelpText(
      'after',
      `
The config.yml holds the upstream password from the vault (the read is audited): keep it 0600.
dockerd sends Docker Hub's credentials (or none) to a registry-mirrors entry, never the mirror's
own, and falls back to Docker Hub when the mirror refuses: with token auth on the mirror, use
containerd (hosts.toml), podman/CRI-O (registries.conf), or pull by the mirror's name. See
docs/cloud.md.

Examples:
  purser registry add mirror.example.com --url https://mirror.example.com
  purser mirror config docker.io --listen 0.0.0.0:5000 --env prod --registry mirror.example.com \\
    --bundle-out /etc/registry/purser.pem --rootcertbundle /etc/registry/purser.pem
  purser mirror config docker.io --listen 127.0.0.1:5003 --format distribution > config.yml`,
    )
    .action(async (upstream: string, _o: unknown, command: Command) =>
      present(command, async () =>
        (await import('./run.ts')).mirrorConfig(upstream, optionsOf<MirrorConfigOptions>(command)),
      ),
    );
}
