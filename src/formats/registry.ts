/**
 * What every exporter receives: decrypted credentials, one per registry address, and a tiny
 * helper shared by all formats. Each exporter lives in its own file and returns the exact bytes
 * its consumer reads.
 */

import { type CredentialKind, IDENTITY_TOKEN_USERNAME } from '../domain/credential-kind.ts';
import { BadRequest } from '../domain/errors.ts';

export interface ExportCredential {
  /** Canonical address: `host[:port]`, Docker Hub as `docker.io`. */
  readonly address: string;
  readonly username: string;
  /** Password, identity token or JSON key, by `kind`. */
  readonly secret: string;
  readonly kind: CredentialKind;
  readonly email?: string | null | undefined;
}

/** `base64(user:password)` as Docker, kubectl and containers write `auth`. */
export function encodeAuth(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** True when a credential is an identity (refresh) token rather than a password. */
export function isIdentityToken(credential: ExportCredential): boolean {
  return credential.kind === 'identity-token';
}

/** The user name to send with an identity token (Docker writes `auth` as `user:`). */
export function identityUser(credential: ExportCredential): string {
  return credential.username === IDENTITY_TOKEN_USERNAME ? '' : credential.username;
}

/** Formats whose consumers take only a user name and a password refuse identity tokens. */
export function requirePassword(credential: ExportCredential, format: string): void {
  if (isIdentityToken(credential)) {
    throw new BadRequest(
      `${format} cannot carry the identity token for ${credential.address}; export it in docker-config or podman-auth format instead`,
    );
  }
}

/** JSON as Go's `json.Marshal` writes it (`<`, `>`, `&`, U+2028/9 escaped), for byte-identical output. */
export function goJson(value: unknown, indent?: string): string {
  return JSON.stringify(value, null, indent)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
