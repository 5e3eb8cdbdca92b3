/** Console tables: the server-side records of console sessions (src/store/console-session-store.ts). */

export interface ConsoleSessionsTable {
  /** SHA-256 (hex) of the session token; the token itself is only in the browser's cookie. */
  token_hash: string;
  principal_kind: 'user' | 'service' | 'robot';
  principal_name: string;
  /** The principal's never-reused id at sign-in: a namesake created later opens nothing. */
  principal_id: string;
  /** The principal's credential version at sign-in: a password change ends the session. */
  credential_version: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  source_address: string | null;
  user_agent: string | null;
}

export interface ConsoleTables {
  console_sessions: ConsoleSessionsTable;
}
