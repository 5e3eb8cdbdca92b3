/**
 * Checks a secret against a credential record with the same work on every path, so timing
 * does not tell users, services, robots and unknown names apart: one password-hash
 * verification (argon2id; bcrypt for an imported hash not yet upgraded) and one SHA-256
 * secret verification, the one that does not apply against a dummy hash.
 */
import type { CredentialRecord } from '../store/access-store.ts';
import {
  type PasswordCheck,
  verifyDummy,
  verifyDummySecret,
  verifyPassword,
  verifySecret,
} from './password.ts';

/** The hash functions a check uses; tests count the calls. */
export interface SecretHashing {
  verifyPassword(hash: string, password: string): Promise<PasswordCheck>;
  verifyDummyPassword(password: string): Promise<void>;
  verifySecret(stored: string, secret: string): boolean;
  verifyDummySecret(secret: string): void;
}

export const SECRET_HASHING: SecretHashing = Object.freeze({
  verifyPassword,
  verifyDummyPassword: verifyDummy,
  verifySecret,
  verifyDummySecret,
});

export async function checkCredential(
  record: CredentialRecord | undefined,
  secret: string,
  hashing: SecretHashing = SECRET_HASHING,
): Promise<PasswordCheck> {
  const hash = record?.hash ?? null;
  if (record && hash !== null && record.kind === 'user') {
    hashing.verifyDummySecret(secret);
    return hashing.verifyPassword(hash, secret);
  }
  await hashing.verifyDummyPassword(secret);
  if (record && hash !== null) return { ok: hashing.verifySecret(hash, secret), needsRehash: false };
  hashing.verifyDummySecret(secret);
  return { ok: false, needsRehash: false };
}
