/**
 * What `purser ratelimit` saw last time, per environment and quota source, in the data
 * directory (`ratelimit-history.json`), so that it can say how many pulls were counted against
 * the quota since: with a pull-through mirror (`purser mirror config`) in front of Docker Hub,
 * the pulls the mirror serves from its cache are not counted, and this number shows it. No
 * secret is kept: the source is Docker Hub's account id or address, as its header names it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../formats/atomic-file.ts';
import type { RateLimit } from './docker-hub-rate.ts';

export const QUOTA_HISTORY_FILE = 'ratelimit-history.json';

export interface QuotaReading {
  /** Epoch ms. */
  readonly at: number;
  readonly remaining: number;
  readonly limit: number;
  /** Seconds. */
  readonly window: number | null;
}

export interface QuotaUsage {
  readonly since: number;
  /** Pulls counted against the quota since `since` (the window may have restored some). */
  readonly counted: number;
}

type History = Record<string, QuotaReading>;

/**
 * Records this reading and returns the usage since the previous one of the same quota, when
 * there is one still inside the quota's window (after a full window, the quota has refilled).
 */
export function recordQuotaReading(
  dataDir: string,
  environment: string,
  rate: RateLimit,
  now: number = Date.now(),
): QuotaUsage | undefined {
  if (!rate.limited || rate.remaining === null || rate.limit === null) return undefined;
  const file = path.join(dataDir, QUOTA_HISTORY_FILE);
  let history: History = {};
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) history = parsed as History;
  } catch {
    // none yet, or unreadable: start over
  }
  const key = `${environment}|${rate.source ?? rate.username ?? 'anonymous'}`;
  const previous = history[key];
  history[key] = { at: now, remaining: rate.remaining, limit: rate.limit, window: rate.window };
  try {
    writeFileAtomic(file, `${JSON.stringify(history, null, 2)}\n`, { defaultMode: 0o600 });
  } catch {
    // a read-only data directory: report without history
  }
  if (
    !previous ||
    typeof previous.remaining !== 'number' ||
    typeof previous.at !== 'number' ||
    previous.at > now ||
    (rate.window !== null && now - previous.at > rate.window * 1000)
  )
    return undefined;
  return { since: previous.at, counted: Math.max(0, previous.remaining - rate.remaining) };
}
