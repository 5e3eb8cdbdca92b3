#!/usr/bin/env node
/**
 * The `purser` command. Each command group lives in `commands/<name>/index.ts`, declares its
 * options there and lazy-imports its implementation, so `purser --help` stays fast.
 * Failures reach process.exit only here.
 */
import { Command, CommanderError } from 'commander';
import { versionLine } from '../config/build-info.ts';
import { COMMAND_GROUPS } from './commands/index.ts';
import { isClosedPipe, reportFailure } from './output.ts';

export function buildProgram(): Command {
  const program = new Command('purser')
    .description(
      'Registry access authority and credential broker.\n\nA Docker token-auth server for private registries (users, groups, apps,\nservices, robots), and an encrypted vault that writes registry credentials\nfor every container runtime.',
    )
    // Not commander's .version(string): the commit is looked up only when asked for.
    .option('-V, --version', 'output the version and the commit it was built from')
    .option('-c, --config <file>', 'configuration file (also PURSER_CONFIG)')
    .option(
      '--server <url>',
      'talk to a running Purser server instead of the local data directory (also PURSER_URL)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true })
    // Before the groups are registered: subcommands copy it when they are created, so a usage
    // error anywhere (unknown option, missing argument) reaches main() and exits 2.
    .exitOverride();
  program.on('option:version', () => {
    process.stdout.write(`${versionLine()}\n`);
    throw new CommanderError(0, 'commander.version', versionLine());
  });
  for (const register of COMMAND_GROUPS) register(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  quietOnClosedPipe();
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // help and version are exits with code 0; usage errors are 2 (docs/errors.md).
      return error.exitCode === 0 ? 0 : 2;
    }
    return reportFailure(error);
  }
}

/**
 * `purser user list | head -1`: the reader has what it wanted and closed the pipe. Like a Unix
 * tool, say nothing: the write error is ignored, the command finishes and exits with its own
 * status (0 for a listing) instead of an unhandled EPIPE trace. Not process.exit here: pino's
 * exit hook would then retry its unwritable buffer forever (sonic-boom's flushSync on EPIPE).
 */
let pipeGuarded = false;
function quietOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (!isClosedPipe(error)) throw error;
    });
  }
}

const isEntry = process.argv[1] !== undefined && /[\\/]cli[\\/]main\.[jt]s$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportFailure(error);
    },
  );
}
