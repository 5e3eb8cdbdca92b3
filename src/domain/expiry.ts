/**
 * Robot expiry as people write it: `2027-12-31` (the end of that day, UTC) or an ISO date-time.
 * The result is epoch milliseconds, the unit of `Robot.expiresAt` in the model.
 */
/**
 * Why a new robot may not have this expiry (it is already over), or undefined. A robot that
 * exists may keep or be given a past date: that is how it stops working.
 */
export function pastExpiryProblem(
  expiresAt: number | null | undefined,
  now = Date.now(),
): string | undefined {
  if (expiresAt === null || expiresAt === undefined || expiresAt > now) return undefined;
  return `${new Date(expiresAt).toISOString()} is in the past: a new robot must expire later (or never)`;
}

export function parseExpiry(text: string): number | undefined {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T23:59:59Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}
