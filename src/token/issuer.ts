/**
 * Signs registry tokens with node:crypto (ES256, raw r||s signatures): the hot path of /token.
 * The protected header (alg, typ, kid, x5c) is encoded once per key.
 */
import crypto from 'node:crypto';
import type { ResourceActions } from '../domain/access.ts';
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
  readonly now?: () => number;
}

export class TokenIssuer implements TokenMinter {
  #key: SigningKey;
  #header: string;
  readonly #options: IssuerOptions;

  constructor(key: SigningKey, options: IssuerOptions) {
    this.#key = key;
    this.#header = encodeHeader(key);
    this.#options = options;
  }

  get kid(): string {
    return this.#key.kid;
  }

  /** Switches the signer (key rotation); takes effect for the next token. */
  signWith(key: SigningKey): void {
    if (key.kid === this.#key.kid) return;
    this.#key = key;
    this.#header = encodeHeader(key);
  }

  claims(
    subject: string,
    audience: string,
    access: readonly ResourceActions[],
    principalId?: string,
  ): ClaimSet {
    const now = Math.floor((this.#options.now?.() ?? Date.now()) / 1000);
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
    const claims = this.claims(request.subject, request.audience, request.access, request.principalId);
    return {
      token: this.sign(claims),
      expiresIn: this.#options.lifetime,
      issuedAt: new Date(claims.iat * 1000).toISOString(),
    };
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
