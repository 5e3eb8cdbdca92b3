/**
 * The per-registry secret a registry sends with its notifications (a static header in its
 * `notifications.endpoints[].headers`). Requests are checked against a SHA-256 hash; the
 * secret itself is kept sealed (the `meta` row `notify_secret:<registry id>`) so that rendering
 * the registry config again gives the same secret: rerunning `purser registry config` after a
 * key rotation does not break event delivery. A rotation (`--rotate-notify-secret`) makes a new
 * one; the previous one keeps working until the registry first authenticates with the new one.
 *
 * Column format: `<sha256 hex of current>[,<sha256 hex of previous>]`.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.ts';
import { NotFound } from '../domain/errors.ts';
import type { Database } from '../store/schema.ts';

/** The header the registry sends; `Authorization` is left to Purser's own auth. */
export const NOTIFY_SECRET_HEADER = 'X-Purser-Notify-Secret';

function hash(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Generates a new secret for `service`, stores its hash (keeping the previous one), returns it. */
export async function ensureNotifySecret(db: Kysely<Database>, service: string): Promise<string> {
  const row = await db
    .selectFrom('registries')
    .select(['id', 'notify_secret_hash'])
    .where('service', '=', service)
    .executeTakeFirst();
  if (!row) throw new NotFound(`no registry with service "${service}"`);
  const secret = crypto.randomBytes(32).toString('base64url');
  const current = row.notify_secret_hash?.split(',')[0];
  const stored = current ? `${hash(secret)},${current}` : hash(secret);
  await db
    .updateTable('registries')
    .set({ notify_secret_hash: stored, updated_at: Date.now() })
    .where('id', '=', row.id)
    .execute();
  return secret;
}

/**
 * The secret a registry's configuration carries: the kept one while its hash is still the
 * current one, otherwise (none kept yet, changed by another way, or `rotate`) a new one.
 */
export async function notifySecret(
  db: Kysely<Database>,
  box: SecretBox,
  service: string,
  options: { readonly rotate: boolean },
): Promise<string> {
  const row = await db
    .selectFrom('registries')
    .select(['id', 'notify_secret_hash'])
    .where('service', '=', service)
    .executeTakeFirst();
  if (!row) throw new NotFound(`no registry with service "${service}"`);
  const key = `notify_secret:${row.id}`;
  const aad = `registry:notify-secret:${row.id}`;
  if (!options.rotate) {
    const kept = await db.selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    const current = row.notify_secret_hash?.split(',')[0];
    if (kept && current) {
      const secret = box.open(kept.value, aad);
      if (hash(secret) === current) return secret;
    }
  }
  const secret = await ensureNotifySecret(db, service);
  const sealed = box.seal(secret, aad);
  await db
    .insertInto('meta')
    .values({ key, value: sealed })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: sealed }))
    .execute();
  return secret;
}

export type NotifyCheck = 'current' | 'previous' | 'invalid';

/** Constant-time check of a presented secret against the stored hashes. */
export function checkNotifySecret(stored: string | null, presented: string | undefined): NotifyCheck {
  if (!stored || !presented) return 'invalid';
  const given = Buffer.from(hash(presented), 'hex');
  const [current, previous] = stored.split(',');
  if (current && crypto.timingSafeEqual(Buffer.from(current, 'hex'), given)) return 'current';
  if (previous && crypto.timingSafeEqual(Buffer.from(previous, 'hex'), given)) return 'previous';
  return 'invalid';
}

/** Once the registry uses the new secret, the previous one stops working. */
export async function retirePreviousNotifySecret(
  db: Kysely<Database>,
  registryId: number,
  stored: string,
): Promise<void> {
  const current = stored.split(',')[0]!;
  if (current === stored) return;
  await db
    .updateTable('registries')
    .set({ notify_secret_hash: current })
    .where('id', '=', registryId)
    .where('notify_secret_hash', '=', stored)
    .execute();
}
