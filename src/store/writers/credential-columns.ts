/**
 * The credential columns services and robots share. A new secret or a disable bumps
 * `credential_version` (cached credential checks stop matching) and ends refresh tokens.
 */
import { type RawBuilder, sql } from 'kysely';

export interface CredentialPatch {
  readonly secretHash?: string | undefined;
  readonly disabled?: boolean | undefined;
}

export function credentialUpdate(
  storedHash: string,
  patch: CredentialPatch,
): {
  columns: { secret_hash?: string; disabled?: number; credential_version?: RawBuilder<number> };
  endsSessions: boolean;
} {
  const endsSessions =
    (patch.secretHash !== undefined && patch.secretHash !== storedHash) || patch.disabled === true;
  return {
    endsSessions,
    columns: {
      ...(patch.secretHash !== undefined ? { secret_hash: patch.secretHash } : {}),
      ...(patch.disabled !== undefined ? { disabled: patch.disabled ? 1 : 0 } : {}),
      ...(endsSessions ? { credential_version: sql<number>`credential_version + 1` } : {}),
    },
  };
}
