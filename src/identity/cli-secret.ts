/**
 * CLI secrets: what docker, skopeo and podman send as the password of a person who logs in
 * through OIDC (they can only send a name and a password; the provider's own password never
 * reaches Purser). As Harbor's "CLI secret":
 *
 * - 32 random bytes, base64url, after the prefix `pcs_` (so secret scanners can recognise a
 *   leaked one); shown once when issued, never stored: the store keeps a salted SHA-256 (enough
 *   for 256 bits of entropy, and cheap on the token path);
 * - checked in constant time, and a name without a secret costs the same check against a dummy
 *   hash, so the answer time does not tell which names have one;
 * - one secret a person and source: issuing again (`--regenerate`) replaces the old one; revoking
 *   (the person disabled, or no longer in any mapped group) deletes it.
 *
 * The record also keeps what the provider said at the last interactive login (subject, groups,
 * name, email), because a docker login carries no provider token to ask again; `purser identity
 * sync` refreshes it through the provider's refresh token, kept with it (sealed by the store,
 * never logged, never returned by any API).
 */
import crypto from 'node:crypto';
import type { ExternalIdentity } from './identity-source.ts';
import { hashSecret, verifySecret } from './password.ts';

export const CLI_SECRET_PREFIX = 'pcs_';

export interface CliSecretRecord {
  readonly source: string;
  readonly username: string;
  /** hashSecret() of the secret. */
  readonly hash: string;
  /** The identity as of the last interactive login or sync. */
  readonly identity: ExternalIdentity;
  /** Epoch milliseconds. */
  readonly issuedAt: number;
  /** The provider's refresh token from the last login or sync (a credential: sealed at rest). */
  readonly refreshToken?: string;
}

/** Where CLI secrets live: memory here and in tests, the store in the server (phase 2). */
export interface CliSecretStore {
  find(source: string, username: string): Promise<CliSecretRecord | undefined>;
  /** Inserts or replaces the record of (source, username). */
  save(record: CliSecretRecord): Promise<void>;
  /**
   * Replaces the identity kept with a secret, and the refresh token when one is given (a
   * provider may rotate it at each refresh); false when there is no secret.
   */
  updateIdentity(
    source: string,
    username: string,
    identity: ExternalIdentity,
    refreshToken?: string,
  ): Promise<boolean>;
  /** Deletes the secret; false when there was none. */
  revoke(source: string, username: string): Promise<boolean>;
}

/** What a refresh token sealed at rest is bound to (its row): the AAD of its SecretBox seal. */
export function refreshTokenAad(source: string, username: string): string {
  return `oidc-refresh:${source}:${username}`;
}

export function generateCliSecret(): string {
  return `${CLI_SECRET_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
}

export function looksLikeCliSecret(value: string): boolean {
  return /^pcs_[A-Za-z0-9_-]{43}$/.test(value);
}

/** Makes a new secret for `identity`, replacing any previous one; the plaintext is returned once. */
export async function issueCliSecret(
  store: CliSecretStore,
  identity: ExternalIdentity,
  options: { refreshToken?: string | undefined; now?: number } = {},
): Promise<string> {
  const secret = generateCliSecret();
  await store.save({
    source: identity.source,
    username: identity.username,
    hash: hashSecret(secret),
    identity,
    issuedAt: options.now ?? Date.now(),
    ...(options.refreshToken ? { refreshToken: options.refreshToken } : {}),
  });
  return secret;
}

export type CliSecretCheck =
  | { readonly outcome: 'valid'; readonly record: CliSecretRecord }
  | { readonly outcome: 'invalid' }
  | { readonly outcome: 'none' };

let dummyHash: string | undefined;

/** Checks `presented` against the secret of (source, username), in constant time. */
export async function checkCliSecret(
  store: CliSecretStore,
  source: string,
  username: string,
  presented: string,
): Promise<CliSecretCheck> {
  const record = await store.find(source, username);
  dummyHash ??= hashSecret(generateCliSecret());
  const ok = verifySecret(record?.hash ?? dummyHash, presented);
  if (!record) return { outcome: 'none' };
  return ok ? { outcome: 'valid', record } : { outcome: 'invalid' };
}

export class MemoryCliSecretStore implements CliSecretStore {
  readonly #records = new Map<string, CliSecretRecord>();

  async find(source: string, username: string): Promise<CliSecretRecord | undefined> {
    return this.#records.get(key(source, username));
  }

  async save(record: CliSecretRecord): Promise<void> {
    this.#records.set(key(record.source, record.username), record);
  }

  async updateIdentity(
    source: string,
    username: string,
    identity: ExternalIdentity,
    refreshToken?: string,
  ): Promise<boolean> {
    const record = this.#records.get(key(source, username));
    if (!record) return false;
    this.#records.set(key(source, username), {
      ...record,
      identity,
      ...(refreshToken ? { refreshToken } : {}),
    });
    return true;
  }

  async revoke(source: string, username: string): Promise<boolean> {
    return this.#records.delete(key(source, username));
  }
}

function key(source: string, username: string): string {
  return `${source.length}:${source}:${username}`;
}
