/**
 * Registry credentials answered from cloud providers through the minted-token cache: the shape
 * the kubelet credential provider and the refresher consume (registry → username, password,
 * expiry). Phase 2 builds the registry → provider map from the vault's cloud kinds.
 */
import type { CloudTokenProvider } from './cloud-token.ts';
import type { MintedTokenCache } from './minted-token-cache.ts';

export interface MintedCredential {
  readonly username: string;
  readonly password: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** The token's half-life, when a consumer should ask again. */
  readonly refreshAt: number;
}

export interface ProviderBinding {
  /** The cache key: one per vault credential (e.g. `prod/123….dkr.ecr.eu-west-1.amazonaws.com`). */
  readonly key: string;
  readonly provider: CloudTokenProvider;
}

export class MintedCredentialLookup {
  constructor(
    readonly cache: MintedTokenCache,
    readonly bindings: ReadonlyMap<string, ProviderBinding>,
  ) {}

  /** undefined for a registry no provider is bound to. */
  async lookup(registry: string): Promise<MintedCredential | undefined> {
    const binding = this.bindings.get(registry);
    if (!binding) return undefined;
    const token = await this.cache.get(binding.key, binding.provider);
    return {
      username: token.username,
      password: token.password,
      expiresAt: token.expiresAt,
      refreshAt: token.refreshAt,
    };
  }

  async close(): Promise<void> {
    this.cache.close();
    for (const binding of this.bindings.values()) binding.provider.close?.();
  }
}
