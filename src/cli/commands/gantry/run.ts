/** Implementations of `purser gantry login` and `purser gantry import`. */

import { openLocalVault } from '../../../app/local-vault.ts';
import { describeProblem, type InputProblem } from '../../../gantry/gantry-credential.ts';
import { type GantryImportReport, gantryImport } from '../../../gantry/gantry-import.ts';
import { lenientRealpath, readGantryInputs } from '../../../gantry/gantry-inputs.ts';
import { type GantryLoginReport, gantryLogin } from '../../../gantry/gantry-login.ts';
import { localActor } from '../../../vault/actor.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type Block, type CommandResult, ExitError, note, text, warning } from '../../output.ts';

interface InputOptions extends GlobalOptions, JsonOption {
  readonly configsFile?: string;
  readonly lenient?: boolean;
  readonly insecure?: boolean;
}

export interface LoginOptions extends InputOptions {
  readonly dryRun?: boolean;
}

export interface ImportOptions extends InputOptions {
  readonly env?: string;
  /** `--no-verify` makes this false. */
  readonly verify: boolean;
}

function inputs(options: InputOptions) {
  const result = readGantryInputs({ env: process.env, configsFile: options.configsFile });
  if (result.credentials.length === 0 && result.problems.length === 0) {
    throw new ExitError(
      2,
      'no Gantry credentials found: set GANTRY_REGISTRY_USER/PASSWORD (and HOST, CONFIG) or GANTRY_REGISTRY_CONFIGS_FILE, or pass --configs-file (see purser gantry login --help)',
    );
  }
  return result;
}

/** Exit 2 for invalid input in strict mode (nothing done), 1 when a credential failed (Gantry's own rule). */
function outcome(
  problems: number,
  lenient: boolean,
  ok: boolean,
  done: 'written' | 'imported',
  counts: { failed: number; total: number; strictNote: string },
): CommandResult['exit'] {
  if (problems > 0 && !lenient)
    return {
      code: 2,
      message: `${problems} invalid input line(s): nothing was ${done} (fix them, or use --lenient to skip them)`,
    };
  if (!ok)
    return {
      code: 1,
      message: `${counts.failed} of ${counts.total} credential(s) not ${done}${counts.strictNote}`,
    };
  return undefined;
}

const problemBlocks = (problems: readonly InputProblem[], lenient: boolean): Block[] =>
  problems.map((p) => note(`purser: ${lenient ? 'skipped' : 'error'}: ${describeProblem(p)}`));

export async function runLogin(options: LoginOptions): Promise<CommandResult<GantryLoginReport>> {
  const lenient = options.lenient === true;
  const report = await gantryLogin({
    inputs: inputs(options),
    lenient,
    env: process.env,
    insecure: options.insecure === true,
    dryRun: options.dryRun === true,
    realpath: lenientRealpath,
  });
  const blocks = problemBlocks(report.problems, lenient);
  for (const r of report.results) {
    const where = `${r.registry} as ${r.username} in ${r.dir}`;
    if (r.status === 'written')
      blocks.push(text(`Logged into registry ${r.registry} with configuration ${r.dir} (${r.source})`));
    else if (r.status === 'verified')
      blocks.push(text(`Verified ${where} (${r.source}; dry run, not written)`));
    else
      blocks.push(
        note(
          `${r.status === 'invalid' ? 'Failed' : 'Not written'}: ${where} (${r.source}): ${r.message ?? ''}`,
        ),
      );
  }
  blocks.push(...report.warnings.map(warning));
  const failed = report.results.filter((r) => r.status !== 'written' && r.status !== 'verified').length;
  const exit = outcome(report.problems.length, lenient, report.ok, 'written', {
    failed,
    total: report.results.length,
    strictNote: report.nothingWritten ? ' (strict: nothing was written)' : '',
  });
  return { data: report, blocks, ...(exit ? { exit } : {}) };
}

export async function runImport(options: ImportOptions): Promise<CommandResult<GantryImportReport>> {
  const lenient = options.lenient === true;
  const source = inputs(options);
  const local = await openLocalVault({ config: options.config });
  let report: GantryImportReport;
  try {
    report = await gantryImport({
      inputs: source,
      vault: local.vault,
      actor: localActor('gantry-import'),
      lenient,
      environment: options.env,
      verify: options.verify !== false,
      insecure: options.insecure === true,
    });
  } finally {
    await local.close();
  }
  const blocks = problemBlocks(report.problems, lenient);
  for (const r of report.results) {
    const what = `${r.registry} as ${r.username} → environment ${r.environment} (${r.source})`;
    blocks.push(
      r.status === 'imported'
        ? text(`Imported ${what}`)
        : note(`${r.status === 'invalid' ? 'Failed' : 'Not imported'}: ${what}: ${r.message ?? ''}`),
    );
  }
  blocks.push(...report.warnings.map(warning));
  const failed = report.results.filter((r) => r.status !== 'imported').length;
  const exit = outcome(report.problems.length, lenient, report.ok, 'imported', {
    failed,
    total: report.results.length,
    strictNote: '',
  });
  return { data: report, blocks, ...(exit ? { exit } : {}) };
}
