/**
 * Console sessions, stored server-side so that they can be revoked: the browser holds a random
 * token in an HttpOnly cookie, the store holds only its SHA-256. Every lookup reads the store
 * (console traffic is light), so a sign-out or revocation on one replica holds on all of them.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ConsoleSessionsTable } from './console-tables.ts';
import type { Database } from './schema.ts';

export interface ConsoleSessionRecord {
  readonly principalKind: ConsoleSessionsTable['principal_kind'];
  readonly principalName: string;
  readonly principalId: string;
  readonly credentialVersion: number;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
}

export interface NewConsoleSession {
  readonly principalKind: ConsoleSessionsTable['principal_kind'];
  readonly principalName: string;
  readonly principalId: string;
  readonly credentialVersion: number;
  readonly sourceAddress?: string | undefined;
  readonly userAgent?: string | undefined;
  readonly now: number;
}

export class ConsoleSessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a session; returns the token (for the cookie) and the CSRF token. */
  async create(session: NewConsoleSession): Promise<{ token: string; csrfToken: string }> {
    const token = crypto.randomBytes(32).toString('base64url');
    const csrfToken = crypto.randomBytes(32).toString('base64url');
    await this.db
      .insertInto('console_sessions')
      .values({
        token_hash: hashToken(token),
        principal_kind: session.principalKind,
        principal_name: session.principalName,
        principal_id: session.principalId,
        credential_version: session.credentialVersion,
        csrf_token: csrfToken,
        created_at: session.now,
        last_seen_at: session.now,
        source_address: session.sourceAddress?.slice(0, 255) ?? null,
        user_agent: session.userAgent?.slice(0, 1000) ?? null,
      })
      .execute();
    return { token, csrfToken };
  }

  async find(token: string): Promise<ConsoleSessionRecord | undefined> {
    if (token.length < 16 || token.length > 512) return undefined;
    const row = await this.db
      .selectFrom('console_sessions')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      principalKind: row.principal_kind,
      principalName: row.principal_name,
      principalId: row.principal_id,
      credentialVersion: Number(row.credential_version),
      csrfToken: row.csrf_token,
      createdAt: Number(row.created_at),
      lastSeenAt: Number(row.last_seen_at),
    };
  }

  async touch(token: string, now: number): Promise<void> {
    await this.db
      .updateTable('console_sessions')
      .set({ last_seen_at: now })
      .where('token_hash', '=', hashToken(token))
      .execute();
  }

  async remove(token: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('console_sessions')
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Ends every session of a principal; returns how many there were. */
  async removeFor(kind: ConsoleSessionsTable['principal_kind'], name: string): Promise<number> {
    const result = await this.db
      .deleteFrom('console_sessions')
      .where('principal_kind', '=', kind)
      .where('principal_name', '=', name)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes the sessions idle since before `before` (housekeeping; lookups check on their own). */
  async removeIdle(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('console_sessions')
      .where('last_seen_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function hashToken(token: string): string {
  return crypto.hash('sha256', token, 'hex');
}
