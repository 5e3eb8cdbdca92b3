/**
 * "Who pulled this image": registry pull events of a manifest (by digest or tag), grouped by
 * principal, with when and from which addresses. Purser's own reads are left out.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export interface ImageUsageQuery {
  readonly service?: string;
  readonly repository?: string;
  readonly tag?: string;
  readonly digests?: readonly string[];
  readonly since?: number;
}

export interface ImageUser {
  readonly actor: string;
  readonly actorKind: string;
  readonly pulls: number;
  readonly firstPull: string;
  readonly lastPull: string;
  readonly addresses: readonly string[];
  readonly digests: readonly string[];
}

export async function imageUsage(db: Kysely<Database>, input: ImageUsageQuery): Promise<ImageUser[]> {
  const digests = input.digests ?? [];
  if (digests.length === 0 && input.tag === undefined) return [];
  let q = db
    .selectFrom('audit_log')
    .select(['actor', 'actor_kind', 'time', 'source_address', 'digest'])
    .where('source', '=', 'registry')
    .where('action', '=', 'pull')
    // Purser's own reads (discovery HEADs, tag deletion) are not uses of the image.
    .where('actor_kind', '!=', 'system');
  if (input.service !== undefined) q = q.where('service', '=', input.service);
  if (input.repository !== undefined) q = q.where('repository', '=', input.repository);
  if (input.since !== undefined) q = q.where('time', '>=', input.since);
  const tag = input.tag;
  q = q.where((eb) => {
    const ors = [];
    if (digests.length > 0) ors.push(eb('digest', 'in', [...digests]));
    if (tag !== undefined) ors.push(eb('tag', '=', tag));
    return eb.or(ors);
  });
  const rows = await q.orderBy('time').execute();
  const users = new Map<
    string,
    {
      actor: string;
      actorKind: string;
      pulls: number;
      first: number;
      last: number;
      addresses: Set<string>;
      digests: Set<string>;
    }
  >();
  for (const row of rows) {
    const key = `${row.actor_kind}:${row.actor}`;
    let user = users.get(key);
    if (!user) {
      user = {
        actor: row.actor,
        actorKind: row.actor_kind,
        pulls: 0,
        first: Number(row.time),
        last: Number(row.time),
        addresses: new Set(),
        digests: new Set(),
      };
      users.set(key, user);
    }
    user.pulls++;
    user.first = Math.min(user.first, Number(row.time));
    user.last = Math.max(user.last, Number(row.time));
    if (row.source_address) user.addresses.add(row.source_address);
    if (row.digest) user.digests.add(row.digest);
  }
  return [...users.values()]
    .sort((a, b) => b.last - a.last)
    .map((u) => ({
      actor: u.actor,
      actorKind: u.actorKind,
      pulls: u.pulls,
      firstPull: new Date(u.first).toISOString(),
      lastPull: new Date(u.last).toISOString(),
      addresses: [...u.addresses].sort(),
      digests: [...u.digests].sort(),
    }));
}

/** When each digest of a repository was last pulled (registry pull events), epoch ms by digest. */
export async function lastPulls(
  db: Kysely<Database>,
  service: string,
  repository: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['digest', db.fn.max('time').as('last')])
    .where('service', '=', service)
    .where('repository', '=', repository)
    .where('action', '=', 'pull')
    .where('source', '=', 'registry')
    .where('digest', 'is not', null)
    .groupBy('digest')
    .execute();
  return new Map(rows.map((r) => [r.digest!, Number(r.last)]));
}
