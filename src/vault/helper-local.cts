/**
 * The credential helper's fast path: answers `get` and `list` from the SQLite file opened
 * read-only with better-sqlite3 and the master key, without Kysely, migrations or the CLI
 * graph. Anything else (PostgreSQL, store, erase) goes through the full Vault.
 *
 * CommonJS, like everything `get` loads (see credential-helper.cts): an ES module graph starts
 * Node's ESM loader, milliseconds on a helper that runs on every pull. node:crypto is required
 * only when a secret is opened. For the same reason the SecretBox
 * `v1` format is opened here directly (same format and key ids as src/crypto/secret-box.ts;
 * the tests open values sealed by SecretBox).
 */
import fs = require('node:fs');
import path = require('node:path');

import { appendAuditLine } from '../audit/local-audit.cts';
import { MESSAGES, openParts, parseSealed, sealedKeyId } from '../crypto/sealed-value.cts';
import { isCloudKind } from '../domain/cloud-kind.cts';
import { mintedTokenAad } from '../domain/minted-token-aad.cts';
import { readHelperSnapshot } from './helper-snapshot.cts';
import { deactivatedMessage, isAllowed, notAllowedMessage, parseAllowlist } from './refusals.cts';
import { secretAad } from './secret-aad.cts';

/** A refusal the helper prints as is (deactivated, not in the allowlist). */
export class HelperRefusal extends Error {}

export interface HelperCredential {
  readonly address: string;
  readonly username: string;
  readonly secret: string;
  /** A cloud token's expiry and half-life (epoch ms), when a running Purser minted it. */
  readonly expiresAt?: number;
  readonly refreshAt?: number;
}

interface CredentialRowLite {
  username: string;
  secret: string | null;
  state: string;
  kind?: string | undefined;
}

/**
 * `get`'s answer for a cloud kind (ECR, GCP, ACR): the stored secret is material to mint a token
 * from, which this path does not do; the caller takes the full vault's path.
 */
export const NEEDS_MINT = 'needs-mint';

interface EnvironmentRowLite {
  default_registry: string | null;
  allowlist: string | null;
}

interface SqliteLite {
  prepare(sql: string): { get(...params: unknown[]): unknown; all(...params: unknown[]): unknown[] };
  close(): void;
}

export class LocalHelperStore {
  readonly #dataDir: string;
  readonly #env: NodeJS.ProcessEnv;
  #db: SqliteLite | null | undefined;

  constructor(dataDir: string, env: NodeJS.ProcessEnv) {
    this.#dataDir = dataDir;
    this.#env = env;
  }

  async #open(): Promise<SqliteLite | null> {
    if (this.#db !== undefined) return this.#db;
    const file = path.join(this.#dataDir, 'purser.db');
    if (!fs.existsSync(file)) {
      this.#db = null;
      return null;
    }
    // CommonJS require skips the ESM wrapper (and its export scan) around better-sqlite3;
    // its default busy timeout (5 s) covers a writer holding the lock.
    const sqlite = locateBetterSqlite();
    const SQLite = require(sqlite.main) as new (file: string, options: Record<string, unknown>) => SqliteLite;
    const db = new SQLite(file, {
      readonly: true,
      fileMustExist: true,
      ...(sqlite.addon ? { nativeBinding: sqlite.addon } : {}),
    });
    this.#db = db;
    return db;
  }

  /** The master keys (PURSER_MASTER_KEY, else the key file); undefined when there are none. */
  #keys(): string[] | undefined {
    const fromEnv = this.#env.PURSER_MASTER_KEY;
    if (fromEnv) return fromEnv.split(',');
    const file = this.#env.PURSER_MASTER_KEY_FILE ?? path.join(this.#dataDir, 'master.key');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    return text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  }

  /**
   * undefined on a miss, NEEDS_MINT for a cloud kind; throws HelperRefusal for deactivated or
   * not-allowed registries.
   */
  async get(environment: string, address: string): Promise<HelperCredential | typeof NEEDS_MINT | undefined> {
    let envRow: EnvironmentRowLite | undefined;
    let row: CredentialRowLite | undefined;
    const snapshot = readHelperSnapshot(this.#dataDir);
    if (snapshot) {
      const env = snapshot.environments[environment];
      envRow = env ? { default_registry: null, allowlist: env.allowlist } : undefined;
      row = env?.credentials[address];
    } else {
      const db = await this.#open();
      if (!db) return undefined;
      envRow = db
        .prepare('select default_registry, allowlist from vault_environments where name = ?')
        .get(environment) as EnvironmentRowLite | undefined;
      row = db
        .prepare(
          'select username, secret, state, kind from vault_credentials where environment = ? and address = ?',
        )
        .get(environment, address) as CredentialRowLite | undefined;
    }
    const settings = { allowlist: parseAllowlist(envRow?.allowlist ?? null) };
    if (!isAllowed(settings, address))
      throw new HelperRefusal(notAllowedMessage(environment, settings.allowlist, address));
    if (!row || row.state === 'deleted' || row.secret === null) return undefined;
    if (row.state === 'deactivated') throw new HelperRefusal(deactivatedMessage(address));
    if (isCloudKind(row.kind)) return (await this.#freshMintedToken(environment, address)) ?? NEEDS_MINT;
    const keys = this.#keys();
    if (!keys) return undefined;
    return {
      address,
      username: row.username,
      secret: openSealed(keys, row.secret, secretAad(environment, address)),
    };
  }

  /**
   * A cloud credential's minted token sealed in `vault_minted_tokens` (src/vault/minted-tokens.ts,
   * same key and AAD), when it is still fresh: before its half-life the minted-token cache would
   * hand out this very token, so the full vault is not needed. Past it, without one, or on any
   * doubt (an older schema, a value that does not open), undefined: the full vault decides.
   */
  async #freshMintedToken(environment: string, address: string): Promise<HelperCredential | undefined> {
    const keys = this.#keys();
    if (!keys) return undefined;
    const db = await this.#open();
    if (!db) return undefined;
    let value: Record<string, unknown>;
    try {
      const row = db
        .prepare(
          'select secret_changed_at, created_at from vault_credentials where environment = ? and address = ?',
        )
        .get(environment, address) as { secret_changed_at: number | null; created_at: number } | undefined;
      if (!row) return undefined;
      const key = `${environment}/${address}@${row.secret_changed_at ?? row.created_at}`;
      const minted = db.prepare('select sealed from vault_minted_tokens where key = ?').get(key) as
        | { sealed: string | null }
        | undefined;
      if (!minted?.sealed) return undefined;
      value = JSON.parse(openSealed(keys, minted.sealed, mintedTokenAad(key))) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const { username, password, expiresAt, mintedAt } = value;
    if (
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      typeof expiresAt !== 'number' ||
      typeof mintedAt !== 'number' ||
      expiresAt <= mintedAt
    )
      return undefined;
    const refreshAt = mintedAt + (expiresAt - mintedAt) / 2;
    if (Date.now() / 1000 >= refreshAt) return undefined;
    return {
      address,
      username,
      secret: password,
      expiresAt: Math.round(expiresAt * 1000),
      refreshAt: Math.round(refreshAt * 1000),
    };
  }

  /** Active, allowed credentials: address → username. */
  async list(environment: string): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const snapshot = readHelperSnapshot(this.#dataDir);
    if (snapshot) {
      const env = snapshot.environments[environment];
      if (!env) return out;
      const settings = { allowlist: parseAllowlist(env.allowlist) };
      for (const address of Object.keys(env.credentials).sort()) {
        const c = env.credentials[address]!;
        if (c.state === 'active' && isAllowed(settings, address)) out.set(address, c.username);
      }
      return out;
    }
    const db = await this.#open();
    if (!db) return out;
    const envRow = db
      .prepare('select default_registry, allowlist from vault_environments where name = ?')
      .get(environment) as EnvironmentRowLite | undefined;
    const settings = { allowlist: parseAllowlist(envRow?.allowlist ?? null) };
    const rows = db
      .prepare(
        "select address, username from vault_credentials where environment = ? and state = 'active' order by address",
      )
      .all(environment) as { address: string; username: string }[];
    for (const r of rows) if (isAllowed(settings, r.address)) out.set(r.address, r.username);
    return out;
  }

  /** Appends the read to `<data>/audit/vault.jsonl` (local-audit.cts); never blocks a pull. */
  audit(environment: string, address: string): void {
    // The login name from the environment (os.userInfo would load node:os for one string).
    const user = this.#env.USER ?? this.#env.LOGNAME ?? `uid ${process.getuid?.() ?? 'unknown'}`;
    appendAuditLine(this.#dataDir, {
      action: 'credential.read',
      actor: `local:${user}`,
      actorKind: 'system',
      target: `credential:${environment}/${address}`,
      outcome: 'success',
      userAgent: 'docker-credential-purser',
      details: { purpose: 'helper' },
    });
  }

  close(): void {
    this.#db?.close();
  }
}

/**
 * better-sqlite3's entry file and native addon, resolved once. Passing the addon by path skips
 * the `bindings` package, which probes a dozen paths on every start.
 */
function locateBetterSqlite(): { main: string; addon: string | undefined } {
  const pkg = require.resolve('better-sqlite3/package.json');
  const dir = path.dirname(pkg);
  const addon = path.join(dir, 'build', 'Release', 'better_sqlite3.node');
  return { main: path.join(dir, 'lib', 'index.js'), addon: fs.existsSync(addon) ? addon : undefined };
}

/**
 * Opens a SecretBox value (src/crypto/sealed-value.cts) with one of `keys` (base64 or hex).
 * GCM's tag says which key fits, so key ids (a SHA-256 each) are computed only to explain a
 * failure.
 */
export function openSealed(keys: readonly string[], sealed: string, aad: string): string {
  const parts = parseSealed(sealed);
  if (!parts) throw new Error(MESSAGES.unknownFormat);
  const material = keys.map((text) => {
    const trimmed = text.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : Buffer.from(trimmed, 'base64');
    if (key.length !== 32)
      throw new Error('the master key must be 32 bytes, written as base64 or 64 hex digits');
    return key;
  });
  for (const key of material) {
    try {
      return openParts(key, parts, aad);
    } catch {
      // not this key (or tampered data): decided below
    }
  }
  if (material.some((key) => sealedKeyId(key) === parts.keyId))
    throw new Error(MESSAGES.failedAuthentication);
  throw new Error(MESSAGES.keyNotLoaded(parts.keyId));
}
