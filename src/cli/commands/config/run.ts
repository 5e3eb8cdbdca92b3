/** `purser config check` implementation: the loader's verdict, then the access diff. */
import { loadConfigFile } from '../../../config/load.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { type AccessChange, changeBlocks, fetchDiff } from '../../access-diff.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type CommandResult, note, warning } from '../../output.ts';
import { readYamlFile } from '../../yaml-file.ts';

export interface CheckOptions extends GlobalOptions, JsonOption {}

interface CheckResult {
  readonly file: string;
  readonly warnings: { code: string; path: string; message: string }[];
  readonly changes: AccessChange[];
}

export async function check(
  file: string | undefined,
  options: CheckOptions,
): Promise<CommandResult<CheckResult>> {
  const path = file ?? options.config ?? process.env.PURSER_CONFIG;
  if (!path) throw new BadRequest('give the FILE to check (or --config / PURSER_CONFIG)');
  // The same loader as `purser serve`: every problem at once, as ConfigInvalid (exit 2).
  const config = loadConfigFile(path);
  const { text } = readYamlFile(path, 'FILE');
  const changes = await fetchDiff(options, { config: text }, { 'body.config': 'FILE' });
  const warnings = config.warnings.map((w) => ({ code: w.code, path: w.path, message: w.message }));
  return {
    data: { file: path, warnings, changes },
    blocks: [
      note(`${path}: valid`),
      ...warnings.map((w) => warning(`${w.path}: ${w.message} [${w.code}]`)),
      ...changeBlocks(changes),
    ],
  };
}
