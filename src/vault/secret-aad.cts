/** Binds a sealed secret to its place so it cannot be moved to another row. CommonJS and free
 * of imports: the credential helper's `get` loads it on every pull. */
export function secretAad(environment: string, address: string): string {
  return `vault:credential:${environment}/${address}`;
}
