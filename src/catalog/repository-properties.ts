/**
 * What people edit about a repository for search (its description and the official and
 * automated flags, by pushers) and its stars (by pullers).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface RepositoryProperties {
  readonly description?: string;
  readonly official?: boolean;
  readonly automated?: boolean;
}

export async function updateProperties(
  db: Db,
  repositoryId: number,
  properties: RepositoryProperties,
): Promise<void> {
  const set: { description?: string; official?: number; automated?: number; updated_at: number } = {
    updated_at: Date.now(),
  };
  if (properties.description !== undefined) set.description = properties.description;
  if (properties.official !== undefined) set.official = properties.official ? 1 : 0;
  if (properties.automated !== undefined) set.automated = properties.automated ? 1 : 0;
  await db.updateTable('repositories').set(set).where('id', '=', repositoryId).execute();
}

/** Stars or un-stars a repository for one principal; returns the new star count. */
export async function setStar(
  db: Db,
  repositoryId: number,
  principal: string,
  starred: boolean,
): Promise<number> {
  if (starred) {
    await db
      .insertInto('repository_stars')
      .values({ repository_id: repositoryId, principal, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['repository_id', 'principal']).doNothing())
      .execute();
  } else {
    await db
      .deleteFrom('repository_stars')
      .where('repository_id', '=', repositoryId)
      .where('principal', '=', principal)
      .execute();
  }
  const row = await db
    .selectFrom('repository_stars')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('repository_id', '=', repositoryId)
    .executeTakeFirst();
  const count = Number(row?.n ?? 0);
  await db.updateTable('repositories').set({ star_count: count }).where('id', '=', repositoryId).execute();
  return count;
}
