/**
 * What a failed write transaction means when another writer got there first, in both
 * dialects' own terms:
 * - `unique`: a unique or primary-key constraint refused the row (PostgreSQL 23505,
 *   SQLite SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY): the name or id was taken meanwhile;
 * - `busy`: the transaction lost a race and may simply run again (PostgreSQL serialization
 *   failure 40001 or deadlock 40P01; SQLite SQLITE_BUSY*, e.g. a stale WAL snapshot when
 *   another process, the CLI or a second server, committed first).
 * Anything else is not a write conflict.
 */
export type WriteConflict = 'unique' | 'busy';

const POSTGRES: Readonly<Record<string, WriteConflict>> = {
  '23505': 'unique',
  '40001': 'busy',
  '40P01': 'busy',
};

export function writeConflictOf(error: unknown): WriteConflict | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (code.startsWith('SQLITE_BUSY')) return 'busy';
  return POSTGRES[code];
}
