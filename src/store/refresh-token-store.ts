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
  readonly credentialVersion: number;
  readonly service: string;
}

export class RefreshTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(record: RefreshTokenRecord & { clientId?: string | undefined }): Promise<string> {
    const token = crypto.randomBytes(32).toString('base64url');
    await this.db
      .insertInto('refresh_tokens')
      .values({
        token_hash: hashToken(token),
        principal_kind: record.principalKind,
        principal_name: record.principalName,
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
    const row = await this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      principalKind: row.principal_kind,
      principalName: row.principal_name,
      credentialVersion: row.credential_version,
      service: row.service,
    };
  }

  async touch(token: string): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ last_used_at: Date.now() })
      .where('token_hash', '=', hashToken(token))
      .execute();
  }

  async revoke(token: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('refresh_tokens')
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
