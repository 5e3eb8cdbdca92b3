/** Discovery run state per registry (the registry_sync table): running/idle, counts, last error. */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export async function markRunning(db: Kysely<Database>, registryId: number, now: number): Promise<void> {
  const updated = await db
    .updateTable('registry_sync')
    .set({ state: 'running', started_at: now })
    .where('registry_id', '=', registryId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await db
      .insertInto('registry_sync')
      .values({
        registry_id: registryId,
        state: 'running',
        started_at: now,
        finished_at: null,
        repositories: 0,
        failures: 0,
        last_error: null,
      })
      .onConflict((oc) => oc.column('registry_id').doUpdateSet({ state: 'running', started_at: now }))
      .execute();
  }
}

export async function markFinished(
  db: Kysely<Database>,
  registryId: number,
  report: { readonly repositories: number; readonly failures: number; readonly errors: readonly string[] },
  abort?: string,
): Promise<void> {
  await db
    .updateTable('registry_sync')
    .set({
      state: 'idle',
      finished_at: Date.now(),
      repositories: report.repositories,
      failures: report.failures,
      last_error: abort ?? report.errors[0] ?? null,
    })
    .where('registry_id', '=', registryId)
    .execute();
}

/** Last run of a registry's discovery (for `purser registry sync` status and the scheduler). */
export async function lastSync(
  db: Kysely<Database>,
  registryId: number,
): Promise<
  | {
      state: string;
      startedAt: number | null;
      finishedAt: number | null;
      repositories: number;
      failures: number;
      lastError: string | null;
    }
  | undefined
> {
  const row = await db
    .selectFrom('registry_sync')
    .selectAll()
    .where('registry_id', '=', registryId)
    .executeTakeFirst();
  return row
    ? {
        state: row.state,
        startedAt: row.started_at === null ? null : Number(row.started_at),
        finishedAt: row.finished_at === null ? null : Number(row.finished_at),
        repositories: Number(row.repositories),
        failures: Number(row.failures),
        lastError: row.last_error,
      }
    : undefined;
}
