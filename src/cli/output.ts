/**
 * Human and machine output for the CLI, and the one place that turns errors into exit codes.
 */
import { AuthorityError } from '../domain/errors.ts';

/** Thrown by a command that has already said what went wrong and wants a given exit code. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export function reportFailure(error: unknown): number {
  if (error instanceof ExitError) {
    if (error.message) process.stderr.write(`purser: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof AuthorityError && error.expose) {
    process.stderr.write(`purser: ${error.message}\n`);
    return error.descriptor.exit;
  }
  if (error instanceof AuthorityError && error.code === 'UNAVAILABLE') {
    process.stderr.write(`purser: ${error.message}\n`);
    return error.descriptor.exit;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`purser: unexpected error: ${message}\n`);
  if (process.env.PURSER_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  return 1;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as an aligned table with a header. */
export function printTable(headers: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  process.stdout.write(`${line(headers)}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}
