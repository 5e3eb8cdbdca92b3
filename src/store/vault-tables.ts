/** Vault tables: owned by the credential vault (src/vault). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the vault migration.
export interface VaultTables {}
