/**
 * Verifies tokens Purser signed (for its own API's Bearer auth): ES256 over the published
 * keys, issuer, audience, exp/nbf with 60 s leeway like Distribution.
 */
import crypto from 'node:crypto';
import { TokenInvalid, TokenMalformed } from '../domain/errors.ts';
import type { ClaimSet } from './issuer.ts';
import type { SigningKey } from './signing-key.ts';

export interface VerifyOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly keys: readonly SigningKey[];
  readonly now?: number;
  readonly leeway?: number;
}

export function verifyToken(token: string, options: VerifyOptions): ClaimSet {
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenMalformed();
  const header = jsonObject(parts[0]!) as { alg?: unknown; kid?: unknown } | undefined;
  const claims = jsonObject(parts[1]!) as ClaimSet | undefined;
  // `null`, numbers and arrays are valid JSON but not a JOSE header or a claim set.
  if (header === undefined || claims === undefined) throw new TokenMalformed();
  const key = options.keys.find((k) => k.kid === header.kid);
  if (header.alg !== 'ES256' || !key) throw new TokenInvalid('token signed by an unknown key');
  const ok = crypto.verify(
    'sha256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    { key: key.publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(parts[2]!, 'base64url'),
  );
  if (!ok) throw new TokenInvalid('bad token signature');
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const leeway = options.leeway ?? 60;
  if (claims.iss !== options.issuer) throw new TokenInvalid('token from an untrusted issuer');
  if (claims.aud !== options.audience) throw new TokenInvalid('token intended for another audience');
  if (typeof claims.exp !== 'number' || claims.exp + leeway < now) throw new TokenInvalid('token expired');
  if (typeof claims.nbf === 'number' && claims.nbf - leeway > now)
    throw new TokenInvalid('token not valid yet');
  return claims;
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
