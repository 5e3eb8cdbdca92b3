/** `purser backup --out FILE` and `purser restore FILE`: the data directory, online. */
import type { Command } from 'commander';
import { optionsOf, present } from '../../action.ts';
import type { BackupOptions, RestoreOptions } from './run.ts';

export function register(program: Command): void {
  const run = async () => import('./run.ts');
  program
    .command('backup')
    .description('write a consistent backup of the data directory while Purser runs')
    .requiredOption('--out <file>', 'the backup file to write (created 0600; must not exist)')
    .option('--json', 'print what the backup holds as JSON')
    .addHelpText(
      'after',
      `
The backup holds the SQLite database (copied with SQLite's online backup API: a consistent
snapshot while the server goes on writing), master.key (unless PURSER_MASTER_KEY is used:
keep that one yourself) and keys/. It opens every sealed secret: keep it like master.key.
On PostgreSQL it holds the keys only and says how to dump the database with pg_dump.

Examples:
  purser backup --out /var/backups/purser-$(date +%F).tar.gz
  purser restore /var/backups/purser-2026-12-01.tar.gz   # into an empty data directory`,
    )
    .action(async (_o: unknown, command: Command) =>
      present(command, async () => (await run()).runBackup(optionsOf<BackupOptions>(command))),
    );
  program
    .command('restore <file>')
    .description('restore a backup into an empty data directory (the one --config / PURSER_DATA names)')
    .option('--json', 'print what was restored as JSON')
    .addHelpText(
      'after',
      `
The data directory must not exist or be empty; Purser must not be running on it. A backup
from a newer Purser (a schema this one does not know) is refused. Start Purser afterwards:
migrations from an older backup run at start.

Example:
  PURSER_DATA=/var/lib/purser purser restore purser-2026-12-01.tar.gz`,
    )
    .action(async (file: string, _o: unknown, command: Command) =>
      present(command, async () => (await run()).runRestore(file, optionsOf<RestoreOptions>(command))),
    );
}
