/**
 * Signs registry tokens with node:crypto (ES256, raw r||s signatures): the hot path of /token.
 * The protected header (alg, typ, kid, x5c) is encoded once per key. With `reuse`, an identical
 * grant signed moments ago is handed out again (issued-token-cache.ts has the rules).
 */
import crypto from 'node:crypto';
import type { ResourceActions } from '../domain/access.ts';
import { grantKey, IssuedTokenCache } from './issued-token-cache.ts';
import { SIGNING_ALG, type SigningKey } from './signing-key.ts';
import type { IssuedToken, TokenMinter } from './token-minter.ts';

export interface ClaimSet {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly exp: number;
  readonly nbf: number;
  readonly iat: number;
  readonly jti: string;
  readonly access: readonly ResourceActions[];
  /**
   * Purser's never-reused id of the subject (users, services, robots): a namesake created after
   * a delete has another, so a token of the old one does not pass for it. Registries ignore it.
   */
  readonly pid?: string;
}

export interface IssuerOptions {
  readonly issuer: string;
  /** Seconds. */
  readonly lifetime: number;
  /** Hand out a recently signed identical token again (default: sign every time). */
  readonly reuse?: boolean;
  /** Bound of the reuse cache (entries). */
  readonly reuseEntries?: number;
  readonly now?: () => number;
}

export class TokenIssuer implements TokenMinter {
  #key: SigningKey;
  #header: string;
  readonly #options: IssuerOptions;
  readonly #reuse: IssuedTokenCache | undefined;

  constructor(key: SigningKey, options: IssuerOptions) {
    this.#key = key;
    this.#header = encodeHeader(key);
    this.#options = options;
    this.#reuse = options.reuse
      ? new IssuedTokenCache({
          lifetime: options.lifetime,
          ...(options.reuseEntries === undefined ? {} : { maxEntries: options.reuseEntries }),
        })
      : undefined;
  }

  get kid(): string {
    return this.#key.kid;
  }

  /** Switches the signer (key rotation); takes effect for the next token. */
  signWith(key: SigningKey): void {
    if (key.kid === this.#key.kid) return;
    this.#key = key;
    this.#header = encodeHeader(key);
    this.#reuse?.clear();
  }

  /** Forgets every token kept for reuse: what they granted may no longer be what is allowed. */
  forgetIssued(): void {
    this.#reuse?.clear();
  }

  /** Tokens kept for reuse (0 without reuse). */
  get reusable(): number {
    return this.#reuse?.size ?? 0;
  }

  claims(
    subject: string,
    audience: string,
    access: readonly ResourceActions[],
    nowMs: number = this.#options.now?.() ?? Date.now(),
    principalId?: string,
  ): ClaimSet {
    const now = Math.floor(nowMs / 1000);
    return {
      iss: this.#options.issuer,
      sub: subject,
      aud: audience,
      exp: now + this.#options.lifetime,
      nbf: now - 1,
      iat: now,
      jti: randomId(),
      access: access.map((a) => ({ type: a.type, name: a.name, actions: [...a.actions] })),
      ...(principalId === undefined ? {} : { pid: principalId }),
    };
  }

  sign(claims: ClaimSet): string {
    const input = `${this.#header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = crypto.sign('sha256', Buffer.from(input), {
      key: this.#key.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  }

  issue(request: {
    subject: string;
    audience: string;
    access: readonly ResourceActions[];
    principalId?: string | undefined;
  }): IssuedToken {
    const nowMs = this.#options.now?.() ?? Date.now();
    const reuse = this.#reuse;
    // The principal id is in the claims, so it is in the key: a namesake never shares a token.
    const subject =
      request.principalId === undefined ? request.subject : `${request.subject}\0${request.principalId}`;
    const key = reuse && grantKey(this.#key.kid, subject, request.audience, request.access);
    if (reuse && key) {
      const kept = reuse.find(key, nowMs);
      if (kept)
        return {
          token: kept.token,
          expiresIn: Math.floor((kept.expiresAtMs - nowMs) / 1000),
          issuedAt: new Date(kept.issuedAtMs).toISOString(),
          reused: true,
        };
    }
    const claims = this.claims(request.subject, request.audience, request.access, nowMs, request.principalId);
    const token = this.sign(claims);
    if (reuse && key)
      reuse.remember(key, { token, issuedAtMs: claims.iat * 1000, expiresAtMs: claims.exp * 1000 });
    return { token, expiresIn: this.#options.lifetime, issuedAt: new Date(claims.iat * 1000).toISOString() };
  }
}

function encodeHeader(key: SigningKey): string {
  const header = { alg: SIGNING_ALG, typ: 'JWT', kid: key.kid, x5c: [key.certificateBase64] };
  return Buffer.from(JSON.stringify(header)).toString('base64url');
}

/** 128-bit CSPRNG ids, drawn from a pool refilled 4 KiB at a time (cheaper per token). */
const POOL = Buffer.alloc(4096);
let offset = POOL.length;
function randomId(): string {
  if (offset + 16 > POOL.length) {
    crypto.randomFillSync(POOL);
    offset = 0;
  }
  const id = POOL.toString('base64url', offset, offset + 16);
  offset += 16;
  return id;
}
