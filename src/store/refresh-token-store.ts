/**
 * Refresh tokens (docker identity tokens): random, returned once, stored only as SHA-256.
 * A refresh token is bound to one principal and one service, survives restarts, and dies
 * when the principal is deleted, disabled or changes its password (credential_version).
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface RefreshTokenRecord {
  readonly principalKind: 'user' | 'service' | 'robot';
  readonly principalName: string;
  /** The never-reused id of the principal it was issued to; null for tokens older than it. */
  readonly principalId: string | null;
  readonly credentialVersion: number;
  readonly service: string;
}

export interface RefreshTokenStoreOptions {
  /** How long a looked-up record is reused without asking the store again (ms). */
  readonly cacheTtl?: number;
  /** `last_used_at` is written at most this often per token (ms). */
  readonly touchInterval?: number;
  readonly cacheSize?: number;
}

/**
 * Lookups are cached briefly: docker and containerd redeem the same refresh token for every
 * scope of a command. The cache is emptied at every model change (`forgetAll`, wired in
 * compose.ts), since a delete, disable or new password revokes tokens in the store; and the
 * token endpoint checks the principal id and credential version against the live model, so a
 * namesake created after a delete never redeems the old principal's token.
 */
export class RefreshTokenStore {
  readonly #cache = new Map<string, { record: RefreshTokenRecord; expires: number }>();
  readonly #touched = new Map<string, number>();
  readonly #ttl: number;
  readonly #touchInterval: number;
  readonly #size: number;

  constructor(
    private readonly db: Kysely<Database>,
    options: RefreshTokenStoreOptions = {},
  ) {
    this.#ttl = options.cacheTtl ?? 30_000;
    this.#touchInterval = options.touchInterval ?? 60_000;
    this.#size = options.cacheSize ?? 10_000;
  }

  async create(record: RefreshTokenRecord & { clientId?: string | undefined }): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    await this.db
      .insertInto('refresh_tokens')
      .values({
        token_hash: hashToken(token),
        principal_kind: record.principalKind,
        principal_name: record.principalName,
        principal_id: record.principalId,
        credential_version: record.credentialVersion,
        service: record.service,
        client_id: record.clientId?.slice(0, 255) ?? null,
        created_at: Date.now(),
        last_used_at: null,
      })
      .execute();
    return token;
  }

  async find(token: string): Promise<RefreshTokenRecord | undefined> {
    if (token.length < 16 || token.length > 512) return undefined;
    const hash = hashToken(token);
    const now = Date.now();
    const cached = this.#cache.get(hash);
    if (cached && cached.expires > now) return cached.record;
    const row = await this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!row) {
      this.#cache.delete(hash);
      return undefined;
    }
    const record: RefreshTokenRecord = {
      principalKind: row.principal_kind,
      principalName: row.principal_name,
      principalId: row.principal_id,
      credentialVersion: row.credential_version,
      service: row.service,
    };
    if (this.#cache.size >= this.#size) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(hash, { record, expires: now + this.#ttl });
    return record;
  }

  /** Records the use of a token, at most once per touch interval. */
  async touch(token: string): Promise<void> {
    const hash = hashToken(token);
    const now = Date.now();
    if ((this.#touched.get(hash) ?? 0) + this.#touchInterval > now) return;
    if (this.#touched.size >= this.#size) this.#touched.delete(this.#touched.keys().next().value!);
    this.#touched.set(hash, now);
    await this.db
      .updateTable('refresh_tokens')
      .set({ last_used_at: now })
      .where('token_hash', '=', hash)
      .execute();
  }

  /** Forgets every cached lookup (after a model change: revocations happen in the store). */
  forgetAll(): void {
    this.#cache.clear();
  }

  async revoke(token: string): Promise<boolean> {
    const hash = hashToken(token);
    this.#cache.delete(hash);
    const result = await this.db
      .deleteFrom('refresh_tokens')
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function hashToken(token: string): string {
  return crypto.hash('sha256', token, 'hex');
}
