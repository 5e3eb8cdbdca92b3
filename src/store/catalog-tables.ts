/** Catalog tables: owned by registry integration (src/catalog). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the catalog migration.
export interface CatalogTables {}
