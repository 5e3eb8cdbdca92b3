/** What the vault shows about a credential: everything but the secret. */

import type { Selectable } from 'kysely';
import type { CredentialKind, CredentialState } from '../domain/credential-kind.ts';
import type { VaultCredentialsTable } from '../store/vault-tables.ts';

export interface CredentialRecord {
  readonly id: number;
  readonly environment: string;
  readonly address: string;
  readonly username: string;
  readonly email: string | null;
  readonly kind: CredentialKind;
  readonly state: CredentialState;
  /** Whether a secret is stored (false once deleted). */
  readonly hasSecret: boolean;
  readonly expiresAt: number | null;
  readonly check: { readonly status: string; readonly message: string | null; readonly at: number } | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly updatedBy: string;
  readonly secretChangedAt: number | null;
}

/** A credential with its secret opened, for exporters and the credential helper. */
export interface RevealedCredential {
  readonly environment: string;
  readonly address: string;
  readonly username: string;
  readonly secret: string;
  readonly kind: CredentialKind;
  readonly email: string | null;
  /** Cloud kinds: when the minted token in `secret` expires (epoch ms); absent for static ones. */
  readonly expiresAt?: number;
  /** Cloud kinds: the token's half-life (epoch ms), from when a fresh one exists. */
  readonly refreshAt?: number;
}

export type CredentialRow = Selectable<VaultCredentialsTable>;

export function toRecord(row: CredentialRow): CredentialRecord {
  return {
    id: Number(row.id),
    environment: row.environment,
    address: row.address,
    username: row.username,
    email: row.email,
    kind: row.kind,
    state: row.state,
    hasSecret: row.secret !== null,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    check:
      row.check_status === null
        ? null
        : { status: row.check_status, message: row.check_message, at: Number(row.checked_at ?? 0) },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    updatedBy: row.updated_by,
    secretChangedAt: row.secret_changed_at === null ? null : Number(row.secret_changed_at),
  };
}

export { secretAad } from './secret-aad.cts';
