/**
 * Option types and parsers shared by the command groups: the global options every command
 * sees, `--json`, repeatable list options, and number flags checked before any call.
 */
import { BadRequest } from '../domain/errors.ts';

export interface GlobalOptions {
  readonly config?: string | undefined;
  readonly server?: string | undefined;
}

/** Commands with machine-readable output take `--json`. */
export interface JsonOption {
  readonly json?: boolean | undefined;
}

/** A repeatable option whose values may also be comma-separated: `--group a,b --group c`. */
export const collectList = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value.split(',').filter(Boolean),
];

/** A repeatable option taken as given (values may contain commas): `--scope repository:a:pull,push`. */
export const collectEach = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** `--id 7`: a positive integer, or undefined when the flag is absent. */
export function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new BadRequest(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** `--sync-interval 60`: a whole number of seconds, or undefined when the flag is absent. */
export function seconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new BadRequest(`${flag} must be a number of seconds, got "${value}"`);
  return n;
}
