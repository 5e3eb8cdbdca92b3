/**
 * Every change to the access model runs in one transaction that also bumps `model_version`, so
 * every process (this one, the CLI, other replicas) rebuilds its snapshot (see
 * ../model-changes.ts).
 *
 * Concurrent writers: model changes are serialized on the version row (below), so a create
 * sees what a concurrent create committed first and answers Conflict. Should a transaction
 * still lose a race (a unique name or id taken meanwhile, a stale SQLite snapshot, a
 * PostgreSQL serialization failure), it runs again and sees what the winner wrote. Past the
 * attempts, a unique-constraint violation is a Conflict, never a 500, on both dialects.
 */
import type { Kysely, Transaction } from 'kysely';
import { Conflict } from '../../domain/errors.ts';
import { bumpModelVersion } from '../access-store.ts';
import type { Database } from '../schema.ts';
import { writeConflictOf } from '../write-conflicts.ts';

export type ModelTransaction = Transaction<Database>;

/** `created` for a new record, `updated` for one that existed (even when nothing changed). */
export type Upserted = 'created' | 'updated';

export interface ChangeOptions {
  /** Set for a create: the Conflict message when the record exists (nothing is written then). */
  readonly conflict?: string | undefined;
}

const ATTEMPTS = 5;

export async function changeModel<T>(
  db: Kysely<Database>,
  work: (trx: ModelTransaction) => Promise<T>,
  options: ChangeOptions = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(async (trx) => {
        // First: the update locks the version row, so model changes run one after the other
        // (PostgreSQL's row lock; SQLite's write lock, waited for with busy_timeout) and each
        // reads what the previous one committed, whatever the table or the kind of record.
        await bumpModelVersion(trx);
        const result = await work(trx);
        // Thrown inside the transaction, so whatever the update path wrote is rolled back.
        if (options.conflict !== undefined && result === 'updated') throw new Conflict(options.conflict);
        return result;
      });
    } catch (error) {
      const conflict = writeConflictOf(error);
      if (conflict === undefined) throw error;
      if (attempt < ATTEMPTS) {
        await pause(attempt);
        continue;
      }
      throw new Conflict(options.conflict ?? 'a concurrent change took the same name or id; try again', {
        detail: conflict,
        cause: error,
      });
    }
  }
}

/** A short random pause, growing with the attempt, so racing writers do not collide again. */
function pause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
}
