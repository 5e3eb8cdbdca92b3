/**
 * Numbers from a query string, checked against the range of what they feed (a SQL LIMIT or
 * OFFSET, a bigint time column): `1e20`, `Infinity` or `-1` is a 400 naming the parameter,
 * never a database error.
 */
import { BadRequest } from '../domain/errors.ts';

/** The last page any paged listing serves (keeps OFFSET far inside a bigint). */
export const MAX_PAGE = 1_000_000;

/** The latest instant a JavaScript Date (and so a time filter) can hold, in epoch ms. */
const MAX_TIME_MS = 8.64e15;

/** An integer query parameter in [min, max]; `fallback` when absent or empty. */
export function integerParam(
  value: string | undefined,
  name: string,
  range: { readonly min: number; readonly max: number },
  fallback: number,
): number;
export function integerParam(
  value: string | undefined,
  name: string,
  range: { readonly min: number; readonly max: number },
): number | undefined;
export function integerParam(
  value: string | undefined,
  name: string,
  range: { readonly min: number; readonly max: number },
  fallback?: number,
): number | undefined {
  if (value === undefined || value === '') return fallback;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max)
    throw new BadRequest(`${name} must be a whole number from ${range.min} to ${range.max}`);
  return n;
}

/** An ISO 8601 time or epoch milliseconds, as epoch ms. */
export function timeParam(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d{1,16}$/.test(value) ? Number(value) : /^\d+$/.test(value) ? Number.NaN : Date.parse(value);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIME_MS)
    throw new BadRequest(`${name} must be an ISO 8601 time or epoch milliseconds`);
  return ms;
}
