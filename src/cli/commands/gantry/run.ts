/** Implementations of `purser gantry login` and `purser gantry import`. */

import { openLocalVault } from '../../../app/local-vault.ts';
import { describeProblem, type InputProblem } from '../../../gantry/gantry-credential.ts';
import { gantryImport } from '../../../gantry/gantry-import.ts';
import { lenientRealpath, readGantryInputs } from '../../../gantry/gantry-inputs.ts';
import { gantryLogin } from '../../../gantry/gantry-login.ts';
import { localActor } from '../../../vault/actor.ts';
import { ExitError, printJson } from '../../output.ts';

type Options = Record<string, unknown>;

function inputs(options: Options) {
  const result = readGantryInputs({
    env: process.env,
    configsFile: options.configsFile as string | undefined,
  });
  if (result.credentials.length === 0 && result.problems.length === 0) {
    throw new ExitError(
      2,
      'no Gantry credentials found: set GANTRY_REGISTRY_USER/PASSWORD (and HOST, CONFIG) or GANTRY_REGISTRY_CONFIGS_FILE, or pass --configs-file (see purser gantry login --help)',
    );
  }
  return result;
}

function reportProblems(problems: readonly InputProblem[], lenient: boolean): void {
  for (const p of problems)
    process.stderr.write(`purser: ${lenient ? 'skipped' : 'error'}: ${describeProblem(p)}\n`);
}

export async function runLogin(options: Options): Promise<void> {
  const lenient = options.lenient === true;
  const report = await gantryLogin({
    inputs: inputs(options),
    lenient,
    env: process.env,
    insecure: options.insecure === true,
    dryRun: options.dryRun === true,
    realpath: lenientRealpath,
  });
  if (options.json) {
    printJson(report);
  } else {
    reportProblems(report.problems, lenient);
    for (const r of report.results) {
      const where = `${r.registry} as ${r.username} in ${r.dir}`;
      const line =
        r.status === 'written'
          ? `Logged into registry ${r.registry} with configuration ${r.dir} (${r.source})`
          : r.status === 'verified'
            ? `Verified ${where} (${r.source}; dry run, not written)`
            : `${r.status === 'invalid' ? 'Failed' : 'Not written'}: ${where} (${r.source}): ${r.message ?? ''}`;
      (r.status === 'written' || r.status === 'verified' ? process.stdout : process.stderr).write(
        `${line}\n`,
      );
    }
    for (const w of report.warnings) process.stderr.write(`purser: warning: ${w}\n`);
  }
  if (report.problems.length > 0 && !lenient) {
    throw new ExitError(
      2,
      `${report.problems.length} invalid input line(s): nothing was written (fix them, or use --lenient to skip them)`,
    );
  }
  if (!report.ok) {
    const failed = report.results.filter((r) => r.status !== 'written' && r.status !== 'verified').length;
    throw new ExitError(
      1,
      `${failed} of ${report.results.length} credential(s) not written${report.nothingWritten ? ' (strict: nothing was written)' : ''}`,
    );
  }
}

export async function runImport(options: Options): Promise<void> {
  const lenient = options.lenient === true;
  const source = inputs(options);
  const local = await openLocalVault({ config: options.config as string | undefined });
  try {
    const report = await gantryImport({
      inputs: source,
      vault: local.vault,
      actor: localActor('gantry-import'),
      lenient,
      environment: options.env as string | undefined,
      verify: options.verify !== false,
      insecure: options.insecure === true,
    });
    if (options.json) {
      printJson(report);
    } else {
      reportProblems(report.problems, lenient);
      for (const r of report.results) {
        const what = `${r.registry} as ${r.username} → environment ${r.environment} (${r.source})`;
        if (r.status === 'imported') process.stdout.write(`Imported ${what}\n`);
        else
          process.stderr.write(
            `${r.status === 'invalid' ? 'Failed' : 'Not imported'}: ${what}: ${r.message ?? ''}\n`,
          );
      }
      for (const w of report.warnings) process.stderr.write(`purser: warning: ${w}\n`);
    }
    if (report.problems.length > 0 && !lenient) {
      throw new ExitError(
        2,
        `${report.problems.length} invalid input line(s): nothing was imported (fix them, or use --lenient to skip them)`,
      );
    }
    if (!report.ok) {
      const failed = report.results.filter((r) => r.status !== 'imported').length;
      throw new ExitError(1, `${failed} of ${report.results.length} credential(s) not imported`);
    }
  } finally {
    await local.close();
  }
}
