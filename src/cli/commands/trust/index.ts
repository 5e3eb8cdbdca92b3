/**
 * `purser registry trust HOST[:PORT]`: fetch a registry's certificate chain, show its
 * fingerprint, and write `certs.d/HOST[:PORT]/ca.crt` for Docker and for containers tools.
 * The command registry attaches it to the `registry` group.
 */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { TrustOptions } from './run.ts';

export function registerTrust(registryCommand: Command): void {
  registryCommand
    .command('trust <host>')
    .description(
      'trust a registry with a self-signed or private-CA certificate: write certs.d/HOST[:PORT]/ca.crt',
    )
    .option(
      '--root <dir>',
      'where docker/ and containers/ live (files go to ROOT/docker/certs.d and ROOT/containers/certs.d)',
      '/etc',
    )
    .option('--fingerprint <sha256>', 'refuse unless the certificate written has this SHA-256 fingerprint')
    .option('--dry-run', 'only show the chain and fingerprint; write nothing')
    .option(
      '--insecure-snippet',
      'instead print the daemon.json "insecure-registries" entry (no TLS verification at all)',
    )
    .option('--servername <name>', 'TLS server name to send (default: HOST)')
    .addHelpText(
      'after',
      `
HOST is host or host:port (default port 443). The certificate written is the top of the chain the
server presents (its root, or the certificate itself when self-signed). Compare the fingerprint
with one obtained out of band, or pin it with --fingerprint.

Examples:
  purser registry trust registry.example.com:5000
  purser registry trust registry.example.com --fingerprint AB:CD:…
  purser registry trust registry.example.com:5000 --insecure-snippet`,
    )
    .action(async (host: string, _o: unknown, command: Command) =>
      present(command, async () => (await import('./run.ts')).trust(host, optionsOf<TrustOptions>(command))),
    );
}
