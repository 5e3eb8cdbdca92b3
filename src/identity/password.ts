/**
 * Password and secret hashing. People's passwords: argon2id (OWASP parameters); imported
 * htpasswd bcrypt hashes are verified and re-hashed to argon2id on the next successful login.
 * Service and robot secrets are high-entropy, so a salted SHA-256 is enough and keeps the
 * token endpoint fast.
 */
import crypto from 'node:crypto';
import { Algorithm, hash as argonHash, verify as argonVerify } from '@node-rs/argon2';

const ARGON2_OPTIONS = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export async function hashPassword(password: string): Promise<string> {
  return argonHash(password, ARGON2_OPTIONS);
}

export function isBcryptHash(hash: string): boolean {
  return /^\$2[aby]\$\d\d\$/.test(hash);
}

export interface PasswordCheck {
  readonly ok: boolean;
  /** The hash is not argon2id with current parameters (e.g. imported bcrypt). */
  readonly needsRehash: boolean;
}

export async function verifyPassword(hash: string, password: string): Promise<PasswordCheck> {
  try {
    if (hash.startsWith('$argon2')) {
      return { ok: await argonVerify(hash, password), needsRehash: false };
    }
    if (isBcryptHash(hash)) {
      const { default: bcrypt } = await import('bcryptjs');
      // bcryptjs does not know $2y$; it is the same algorithm as $2b$.
      const ok = await bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
      return { ok, needsRehash: ok };
    }
  } catch {
    return { ok: false, needsRehash: false };
  }
  return { ok: false, needsRehash: false };
}

let dummyHash: Promise<string> | undefined;

/** Spends the same time as a real check, for unknown accounts (no user enumeration). */
export async function verifyDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
}

export function hashSecret(secret: string): string {
  const salt = crypto.randomBytes(16);
  const digest = crypto.createHash('sha256').update(salt).update(secret, 'utf8').digest();
  return `sha256$${salt.toString('base64url')}$${digest.toString('base64url')}`;
}

export function verifySecret(stored: string, secret: string): boolean {
  const [scheme, saltText, digestText] = stored.split('$');
  if (scheme !== 'sha256' || !saltText || !digestText) return false;
  const expected = Buffer.from(digestText, 'base64url');
  const actual = crypto
    .createHash('sha256')
    .update(Buffer.from(saltText, 'base64url'))
    .update(secret, 'utf8')
    .digest();
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

let dummySecret: string | undefined;

/** Spends the same time as verifySecret, for accounts that are not services or robots. */
export function verifyDummySecret(secret: string): void {
  dummySecret ??= hashSecret(crypto.randomBytes(16).toString('hex'));
  verifySecret(dummySecret, secret);
}

/** A new high-entropy secret for services and robots. */
export function generateSecret(): string {
  return crypto.randomBytes(24).toString('base64url');
}
