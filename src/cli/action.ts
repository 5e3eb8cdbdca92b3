/**
 * The glue between a command's declaration (commands/<name>/index.ts) and its implementation
 * (run.ts): typed options in, a CommandResult out, rendered by output.ts, as JSON with `--json`.
 */
import { type Command, Option } from 'commander';
import { type CommandResult, render } from './output.ts';

const legacyOutput = new WeakSet<Command>();

/** The command's options merged with the global ones, typed by the command's own interface. */
export function optionsOf<T>(command: Command): T {
  return command.optsWithGlobals<T & object>();
}

/**
 * Adds `--json`. With `legacy`, also the `-o, --output <format>` spelling these commands took
 * in round 1 (hidden from help; `-o json` still works, with a deprecation warning on stderr).
 */
export function jsonOption(command: Command, description = 'print JSON', legacy = false): Command {
  command.option('--json', description);
  if (legacy) {
    command.addOption(new Option('-o, --output <format>', 'deprecated: use --json').hideHelp());
    legacyOutput.add(command);
  }
  return command;
}

/**
 * Runs the implementation and renders its result for `command`. A deprecated `-o json` is
 * turned into `--json` first, so the implementation sees one spelling.
 */
export async function present(command: Command, produce: () => Promise<CommandResult>): Promise<void> {
  const output = command.getOptionValue('output') as string | undefined;
  if (legacyOutput.has(command) && output !== undefined) {
    process.stderr.write(
      `purser: warning: -o/--output ${output} is deprecated: use ${output === 'json' ? '--json' : 'no flag for text (--json for JSON)'}\n`,
    );
    if (output === 'json') command.setOptionValue('json', true);
  }
  render(await produce(), { json: command.getOptionValue('json') === true });
}
