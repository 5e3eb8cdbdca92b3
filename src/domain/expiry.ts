/**
 * Robot expiry as people write it: `2027-12-31` (the end of that day, UTC) or an ISO date-time.
 * The result is epoch milliseconds, the unit of `Robot.expiresAt` in the model.
 */
export function parseExpiry(text: string): number | undefined {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T23:59:59Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}
