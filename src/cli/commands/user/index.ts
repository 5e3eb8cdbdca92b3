/**
 * `purser user …`: people who log in with a password. Works on the local data directory, or
 * on a running server with --server URL (PURSER_USERNAME/PURSER_PASSWORD or PURSER_TOKEN).
 */
import type { Command } from 'commander';
import { jsonOption, optionsOf, present } from '../../action.ts';
import type { GlobalOptions } from '../../options.ts';
import { collectList as collect } from '../../options.ts';
import type { AddOptions, CliSecretOptions, ImportOptions, PasswdOptions, UpdateOptions } from './run.ts';

export function register(program: Command): void {
  const user = program
    .command('user')
    .description('manage users (people who log in with a password)')
    .addHelpText(
      'after',
      `
Examples:
  purser user add alice --group dev --group ops --privilege puller --privilege pusher
  echo "$PASSWORD" | purser user add bob --password-stdin --group dev --privilege puller
  purser user list --json
  purser user passwd alice            # prompts when run in a terminal
  purser user disable alice
  purser user unlock alice            # after too many failed logins
  purser user import-htpasswd /etc/docker/registry/htpasswd --group dev --privilege puller
  purser --server https://purser.example.com user show alice`,
    );
  const run = async () => import('./run.ts');

  user
    .command('add <name>')
    .description('create a user')
    .option('--password-stdin', 'read the password from standard input')
    .option(
      '-g, --group <group>',
      'group (repeatable; the first is the primary group; missing groups are created)',
      collect,
      [],
    )
    .option(
      '-p, --privilege <privilege>',
      'DockerRegistriesPuller|Pusher|Manager or puller, pusher, manager (repeatable)',
      collect,
      [],
    )
    .option('--admin', 'make the user an administrator')
    .option('--id <n>', 'numeric id (assigned when absent)')
    .addHelpText(
      'after',
      `
The password is never accepted as an argument: give it on standard input with
--password-stdin, or type it when asked (in a terminal). Without either, the user is
created without a password and cannot log in until "purser user passwd NAME".

Examples:
  purser user add alice --group dev --privilege puller --privilege pusher
  printf '%s\\n' "$PW" | purser user add ci-bot --password-stdin --group ci --privilege puller`,
    )
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).add(name, optionsOf<AddOptions>(command))),
    );

  jsonOption(user.command('list').alias('ls').description('list users')).action(
    async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).list(optionsOf<GlobalOptions>(command))),
  );

  jsonOption(
    user
      .command('cli-secret <name>')
      .description("an OIDC user's CLI secret: the password docker, skopeo and podman send")
      .option('--regenerate', 'issue a new secret (shown once); the previous one stops working')
      .addHelpText(
        'after',
        `
People who log in through an OIDC identity source have no password Purser knows. Their CLI
secret (pcs_...) is what "docker login" takes instead; "purser login --sso" issues one at login.
Without --regenerate this only says whether the user holds one. It is revoked when the user is
disabled or deleted.

Examples:
  purser user cli-secret alice
  purser user cli-secret alice --regenerate | docker login -u alice --password-stdin registry.example.com`,
      ),
  ).action(async (name: string, _o: unknown, command: Command) =>
    present(command, async () => (await run()).cliSecret(name, optionsOf<CliSecretOptions>(command))),
  );

  jsonOption(user.command('show <name>').description('show one user')).action(
    async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).show(name, optionsOf<GlobalOptions>(command))),
  );

  user
    .command('update <name>')
    .description('change groups, privileges or administrator status')
    .option(
      '-g, --group <group>',
      'replace the groups (repeatable; the first is the primary group)',
      collect,
      undefined,
    )
    .option('-p, --privilege <privilege>', 'replace the privileges (repeatable)', collect, undefined)
    .option('--no-privileges', 'remove every privilege')
    .option('--admin', 'make the user an administrator')
    .option('--no-admin', 'take administrator status away')
    .addHelpText(
      'after',
      '\nExamples:\n  purser user update alice --group ops --group dev --privilege puller --privilege pusher\n  purser user update bob --no-admin',
    )
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).update(name, optionsOf<UpdateOptions>(command))),
    );

  user
    .command('rm <name>')
    .description('delete a user (their refresh tokens stop working)')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).remove(name, optionsOf<GlobalOptions>(command))),
    );

  user
    .command('passwd <name>')
    .description('set a password (prompts in a terminal, or --password-stdin)')
    .option('--password-stdin', 'read the password from standard input')
    .addHelpText('after', '\nExample:\n  echo "$NEW_PASSWORD" | purser user passwd alice --password-stdin')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).passwd(name, optionsOf<PasswdOptions>(command))),
    );

  user
    .command('disable <name>')
    .description('stop a user from logging in (refresh tokens stop working)')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).setDisabled(name, true, optionsOf<GlobalOptions>(command))),
    );

  user
    .command('enable <name>')
    .description('let a disabled user log in again')
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).setDisabled(name, false, optionsOf<GlobalOptions>(command))),
    );

  user
    .command('unlock <name>')
    .description("forget a user's failed logins, so every address may try again at once")
    .addHelpText(
      'after',
      `
Failed logins make one account wait only at the address that failed (growing delays), and
an address that fails too often waits whatever the account (see login_throttle in
docs/config.md). This forgets the user's waits and counts at every address, on every server
on the same database within a few seconds. It does not reset an address's budget.

Example:
  purser user unlock alice
  purser --server https://purser.example.com user unlock alice`,
    )
    .action(async (name: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).unlock(name, optionsOf<GlobalOptions>(command))),
    );

  user
    .command('import-htpasswd <file>')
    .description('import users from an htpasswd file (bcrypt hashes, re-hashed to argon2id on first login)')
    .option('-g, --group <group>', 'group for the new users (repeatable)', collect, [])
    .option('-p, --privilege <privilege>', 'privilege for the new users (repeatable)', collect, [])
    .option('--update', 'replace the password of users that already exist (default: skip them)')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Only bcrypt lines ($2y$, $2b$, $2a$ — as made by "htpasswd -B") are imported; other lines
are reported with their line number and skipped. Exit code 2 when any line had a problem.

Example:
  purser user import-htpasswd ./htpasswd --group dev --privilege puller --privilege pusher`,
    )
    .action(async (file: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).importHtpasswd(file, optionsOf<ImportOptions>(command))),
    );
}
