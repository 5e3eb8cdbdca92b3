/**
 * The format SecretBox seals secrets in, `v1.<keyId>.<iv>.<tag>.<ciphertext>` (AES-256-GCM,
 * base64url parts; keyId = the first 12 hex digits of SHA-256 of the key). CommonJS and loading
 * node:crypto only when used: the credential helper opens values with it on every pull.
 */
import type { KeyObject } from 'node:crypto';

export interface SealedParts {
  readonly keyId: string;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly ciphertext: Buffer;
}

function nodeCrypto(): typeof import('node:crypto') {
  return require('node:crypto') as typeof import('node:crypto');
}

/** The parts of a sealed value, or undefined when it is not in the v1 format. */
export function parseSealed(sealed: string): SealedParts | undefined {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') return undefined;
  return {
    keyId: parts[1]!,
    iv: Buffer.from(parts[2]!, 'base64url'),
    tag: Buffer.from(parts[3]!, 'base64url'),
    ciphertext: Buffer.from(parts[4]!, 'base64url'),
  };
}

/** Opens sealed parts with one key; throws when GCM authentication fails (wrong key, place or data). */
export function openParts(key: Buffer | KeyObject, parts: SealedParts, aad: string): string {
  const decipher = nodeCrypto().createDecipheriv('aes-256-gcm', key, parts.iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(parts.tag);
  return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8');
}

export function sealedKeyId(key: Buffer): string {
  return nodeCrypto().createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export const MESSAGES = {
  unknownFormat: 'sealed value has an unknown format',
  failedAuthentication: 'sealed value failed authentication (wrong master key or tampered data)',
  keyNotLoaded: (keyId: string) => `sealed value needs master key ${keyId}, which is not loaded`,
} as const;
