/**
 * Binds a sealed minted cloud token to its cache key (`<environment>/<address>@<version>`), so
 * it cannot be moved to another row. CommonJS and free of imports: the credential helper's `get`
 * opens a cached token with it on every pull (src/vault/helper-local.cts), and the minted-token
 * cache seals with it (src/cloud/minted-token-store.ts).
 */
export function mintedTokenAad(key: string): string {
  return `purser:minted-token:${key}`;
}
