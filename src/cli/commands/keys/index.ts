/** `purser keys …`: the token signing keys. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import type { ExportOptions, RotateOptions } from './run.ts';

export function register(program: Command): void {
  const keys = program
    .command('keys')
    .description('list and rotate the token signing keys')
    .addHelpText(
      'after',
      `
Registries trust the certificates of every published key (rootcertbundle) or the JWKS.
Rotation keeps the previous key published, so tokens it signed keep verifying.

Examples (a rotation that never breaks a registry):
  purser keys list
  purser keys rotate --stage             # publish a new key; it does not sign yet
  purser registry config SERVICE --format bundle > bundle.pem   # give every registry the bundle
  purser keys rotate                     # the staged key starts signing
  purser keys retire KID                 # later: drop the old key from bundle and JWKS`,
    );
  const run = async () => import('./run.ts');
  keys
    .command('list')
    .alias('ls')
    .description('list keys (kid, state, created, certificate expiry)')
    .option('--json', 'print JSON')
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).list(optionsOf<GlobalOptions>(command))),
    );
  keys
    .command('rotate')
    .description('make a new key the signer (or, with --stage, publish one without signing yet)')
    .option('--stage', 'publish the new key first; a later "keys rotate" makes it sign')
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).rotate(optionsOf<RotateOptions>(command))),
    );
  keys
    .command('export [kid]')
    .description('print a signing key as PEM (the signer, or KID): local data directory only, audited')
    .option('--pem', 'PEM text (the one format; required, so the key is never printed by accident)')
    .addHelpText(
      'after',
      `
The private keys are sealed with the master key in the store and in <data>/keys/. This prints
one in clear on stdout: anyone holding it can sign tokens every registry accepts.

Example:
  purser keys export --pem > signer.key && chmod 600 signer.key`,
    )
    .action(async (kid: string | undefined, _o: unknown, command: Command) =>
      present(command, async () => (await run()).exportPem(kid, optionsOf<ExportOptions>(command))),
    );
  keys
    .command('retire <kid>')
    .description('stop publishing a key that no longer signs')
    .action(async (kid: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).retire(kid, optionsOf<GlobalOptions>(command))),
    );
}
