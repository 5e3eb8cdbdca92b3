/**
 * AES-256-GCM sealing of secrets at rest. A sealed value names the key that sealed it, so a
 * keyring (current key first, older keys after) can open values sealed before a rotation.
 *
 * Format: `v1.<keyId>.<iv b64url>.<tag b64url>.<ciphertext b64url>`; `aad` binds a value to
 * its place (e.g. `vault:credential:42`) so a sealed value cannot be moved to another row.
 */
import crypto from 'node:crypto';
import { AuthorityError } from '../domain/errors.ts';
import { MESSAGES, openParts, parseSealed, sealedKeyId } from './sealed-value.cts';

export class SecretBox {
  #keys: ReadonlyMap<string, Buffer>;
  #currentKeyId: string;
  readonly #reload: (() => readonly Buffer[]) | undefined;

  /**
   * `reload` re-reads the keyring: a long-running process passes it so that values sealed under
   * a key rotated in by another process (`purser vault rotate-key`) still open, and new values
   * are sealed under the new current key.
   */
  constructor(keys: readonly Buffer[], reload?: () => readonly Buffer[]) {
    this.#keys = keyMap(keys);
    this.#currentKeyId = keyId(keys[0]!);
    this.#reload = reload;
  }

  get currentKeyId(): string {
    return this.#currentKeyId;
  }

  seal(plaintext: string, aad = ''): string {
    const key = this.#keys.get(this.#currentKeyId)!;
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      'v1',
      this.#currentKeyId,
      iv.toString('base64url'),
      tag.toString('base64url'),
      ciphertext.toString('base64url'),
    ].join('.');
  }

  open(sealed: string, aad = ''): string {
    const parts = parseSealed(sealed);
    if (!parts) throw new AuthorityError('INTERNAL', MESSAGES.unknownFormat);
    let key = this.#keys.get(parts.keyId);
    if (!key && this.#reload) {
      const keys = this.#reload();
      this.#keys = keyMap(keys);
      this.#currentKeyId = keyId(keys[0]!);
      key = this.#keys.get(parts.keyId);
    }
    if (!key) throw new AuthorityError('INTERNAL', MESSAGES.keyNotLoaded(parts.keyId));
    try {
      return openParts(key, parts, aad);
    } catch (error) {
      throw new AuthorityError('INTERNAL', MESSAGES.failedAuthentication, { cause: error });
    }
  }

  /** The id of the key that sealed a value, to find values a rotation must re-seal. */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split('.')[1];
  }
}

function keyMap(keys: readonly Buffer[]): Map<string, Buffer> {
  if (keys.length === 0) throw new TypeError('SecretBox needs at least one key');
  const map = new Map<string, Buffer>();
  for (const key of keys) {
    if (key.length !== 32) throw new TypeError('SecretBox keys must be 32 bytes');
    map.set(keyId(key), key);
  }
  return map;
}

export function keyId(key: Buffer): string {
  return sealedKeyId(key);
}
