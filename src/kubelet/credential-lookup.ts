/**
 * What the kubelet credential provider asks: the credential for one registry. Implementations:
 * VaultCredentialLookup (the local vault or a remote Purser, static credentials today) and, in
 * phase 2, the vault's cloud kinds through the minted-token cache.
 */
export interface LookedUpCredential {
  readonly username: string;
  readonly password: string;
  /** Epoch seconds; absent for credentials that do not expire. */
  readonly expiresAt?: number | undefined;
  /** Epoch seconds: the token's half-life, after which the source renews it. */
  readonly refreshAt?: number | undefined;
}

export interface CredentialLookup {
  /** `registry` is `host[:port]` as the image names it; undefined when there is none. */
  lookup(registry: string): Promise<LookedUpCredential | undefined>;
  close?(): Promise<void>;
}
