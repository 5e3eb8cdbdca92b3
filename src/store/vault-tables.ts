/** Vault tables: owned by the credential vault (src/vault). */
import type { Generated } from 'kysely';

export interface VaultEnvironmentsTable {
  name: string;
  /** Registry that unqualified image names resolve to instead of Docker Hub; null = Docker Hub. */
  default_registry: string | null;
  /** JSON array of registry addresses; null = no allowlist (every registry allowed). */
  allowlist: string | null;
  created_at: number;
  updated_at: number;
  updated_by: string;
}

export interface VaultCredentialsTable {
  id: Generated<number>;
  environment: string;
  /** Canonical `host[:port]` (Docker Hub as `docker.io`); unique per environment. */
  address: string;
  username: string;
  /** SecretBox-sealed secret bound to `vault:credential:<environment>/<address>`; null once deleted. */
  secret: string | null;
  email: string | null;
  kind: string;
  state: 'active' | 'deactivated' | 'deleted';
  /** Epoch ms after which the secret is no longer valid (cloud tokens); null = no expiry. */
  expires_at: number | null;
  /** Last `vault check`: 'valid' | 'invalid' | 'unreachable'; null = never checked. */
  check_status: string | null;
  check_message: string | null;
  checked_at: number | null;
  created_at: number;
  updated_at: number;
  updated_by: string;
  /** When the secret itself last changed. */
  secret_changed_at: number | null;
}

/** Services and robots allowed to read an environment's secrets. */
export interface VaultGrantsTable {
  environment: string;
  principal_kind: 'service' | 'robot';
  principal_name: string;
  created_at: number;
  created_by: string;
}

/** Minted cloud tokens, sealed (src/cloud/minted-token-store.ts), with a lease for the one minting. */
export interface VaultMintedTokensTable {
  /** The cache key: `<environment>/<address>@<secret_changed_at>`. */
  key: string;
  /** The sealed token; null while the first mint is under way. */
  sealed: string | null;
  lease_owner: string | null;
  /** Epoch ms until which `lease_owner` may mint; null = nobody is minting. */
  lease_until: number | null;
  updated_at: number;
}

export interface VaultTables {
  vault_environments: VaultEnvironmentsTable;
  vault_credentials: VaultCredentialsTable;
  vault_grants: VaultGrantsTable;
  vault_minted_tokens: VaultMintedTokensTable;
}
