/**
 * Where minted tokens survive a restart: the cache seals each token (JSON of the token and its
 * mint time) with a TokenSealer before it reaches the store, so a store only ever holds sealed
 * text. Phase 2 backs this with the database and the master key's SecretBox.
 */
import { mintedTokenAad } from '../domain/minted-token-aad.cts';
import type { MintedToken } from './cloud-token.ts';

export interface MintedTokenStore {
  /** The sealed value saved under `key`, or undefined. */
  load(key: string): Promise<string | undefined>;
  save(key: string, sealed: string): Promise<void>;
}

/** SecretBox's shape: AES-GCM with `aad` binding a value to its key. */
export interface TokenSealer {
  seal(plaintext: string, aad?: string): string;
  open(sealed: string, aad?: string): string;
}

/** A minted token as the cache holds it (all times in epoch seconds). */
export interface CachedToken extends MintedToken {
  readonly mintedAt: number;
  /** Half the lifetime: a refresh is due from here on. */
  readonly refreshAt: number;
}

export function sealCachedToken(sealer: TokenSealer, key: string, token: CachedToken): string {
  const value = {
    username: token.username,
    password: token.password,
    expiresAt: token.expiresAt,
    mintedAt: token.mintedAt,
    ...(token.registry ? { registry: token.registry } : {}),
  };
  return sealer.seal(JSON.stringify(value), mintedTokenAad(key));
}

/** The token sealed under `key`, or undefined when the value is unreadable or malformed. */
export function openCachedToken(sealer: TokenSealer, key: string, sealed: string): CachedToken | undefined {
  let value: unknown;
  try {
    value = JSON.parse(sealer.open(sealed, mintedTokenAad(key)));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (
    typeof v.username !== 'string' ||
    typeof v.password !== 'string' ||
    typeof v.expiresAt !== 'number' ||
    typeof v.mintedAt !== 'number' ||
    v.expiresAt <= v.mintedAt
  )
    return undefined;
  return {
    username: v.username,
    password: v.password,
    expiresAt: v.expiresAt,
    mintedAt: v.mintedAt,
    refreshAt: v.mintedAt + (v.expiresAt - v.mintedAt) / 2,
    ...(typeof v.registry === 'string' ? { registry: v.registry } : {}),
  };
}

/** An in-process store (tests, and a process without a database). */
export class MemoryMintedTokenStore implements MintedTokenStore {
  readonly values = new Map<string, string>();
  async load(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }
  async save(key: string, sealed: string): Promise<void> {
    this.values.set(key, sealed);
  }
}
