/**
 * Master-key rotation. Every value sealed with the master key is re-sealed under the new current
 * key: vault secrets, the token signing keys (`signing-key:<kid>`) and OIDC people's refresh
 * tokens (`oidc-refresh:<source>:<username>`). With a key file: the new
 * key is written first (old keys kept after it), values are re-sealed, then the old keys are
 * dropped; an interruption leaves a file that still opens everything, and re-running finishes.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { readKeyFile, writeKeyFile } from '../crypto/master-key.ts';
import { SecretBox } from '../crypto/secret-box.ts';
import { refreshTokenAad } from '../identity/cli-secret.ts';
import type { Database } from '../store/schema.ts';
import type { Vault } from './vault.ts';

export interface RotationResult {
  readonly newKeyId: string;
  readonly resealed: number;
  readonly droppedKeys: number;
}

/** Re-seals the token signing keys under `box`'s current key; returns how many changed. */
export async function resealSigningKeys(db: Kysely<Database>, box: SecretBox): Promise<number> {
  const rows = await db.selectFrom('signing_keys').select(['kid', 'private_key']).execute();
  let changed = 0;
  for (const row of rows) {
    if (SecretBox.keyIdOf(row.private_key) === box.currentKeyId) continue;
    const aad = `signing-key:${row.kid}`;
    await db
      .updateTable('signing_keys')
      .set({ private_key: box.seal(box.open(row.private_key, aad), aad) })
      .where('kid', '=', row.kid)
      .execute();
    changed += 1;
  }
  return changed;
}

/** Re-seals the OIDC refresh tokens kept with CLI secrets; returns how many changed. */
export async function resealRefreshTokens(db: Kysely<Database>, box: SecretBox): Promise<number> {
  const rows = await db
    .selectFrom('identity_cli_secrets')
    .select(['source', 'username', 'refresh_token'])
    .where('refresh_token', 'is not', null)
    .execute();
  let changed = 0;
  for (const row of rows) {
    const sealed = row.refresh_token!;
    if (SecretBox.keyIdOf(sealed) === box.currentKeyId) continue;
    const aad = refreshTokenAad(row.source, row.username);
    await db
      .updateTable('identity_cli_secrets')
      .set({ refresh_token: box.seal(box.open(sealed, aad), aad) })
      .where('source', '=', row.source)
      .where('username', '=', row.username)
      .execute();
    changed += 1;
  }
  return changed;
}

export async function resealEverything(db: Kysely<Database>, vault: Vault, box: SecretBox): Promise<number> {
  return (
    (await vault.reseal(box)) + (await resealSigningKeys(db, box)) + (await resealRefreshTokens(db, box))
  );
}

/** Rotation with a key file: new key first, re-seal, drop the old keys. */
export async function rotateKeyFile(
  file: string,
  db: Kysely<Database>,
  vault: Vault,
  options: { newKey?: Buffer } = {},
): Promise<RotationResult> {
  const oldKeys = readKeyFile(file);
  const newKey = options.newKey ?? crypto.randomBytes(32);
  writeKeyFile(file, [newKey, ...oldKeys]);
  const box = new SecretBox([newKey, ...oldKeys]);
  const resealed = await resealEverything(db, vault, box);
  writeKeyFile(file, [newKey]);
  return { newKeyId: box.currentKeyId, resealed, droppedKeys: oldKeys.length };
}
