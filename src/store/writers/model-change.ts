/**
 * Every change to the access model runs in one transaction that also bumps `model_version`, so
 * every process (this one, the CLI, other replicas) rebuilds its snapshot (see
 * ../model-changes.ts).
 */
import type { Kysely, Transaction } from 'kysely';
import { bumpModelVersion } from '../access-store.ts';
import type { Database } from '../schema.ts';

export type ModelTransaction = Transaction<Database>;

/** `created` for a new record, `updated` for one that existed (even when nothing changed). */
export type Upserted = 'created' | 'updated';

export function changeModel<T>(
  db: Kysely<Database>,
  work: (trx: ModelTransaction) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    const result = await work(trx);
    await bumpModelVersion(trx);
    return result;
  });
}
