/**
 * Whether an environment hands out a registry's credential, and the exact refusal texts the
 * CLI, the API and the credential helper all print. Free of imports: the helper loads it on
 * every pull (environment-settings.ts wraps the texts in Denied errors).
 */

/** A null allowlist allows every registry; otherwise only the listed addresses. */
export function isAllowed(
  settings: { readonly allowlist: readonly string[] | null },
  address: string,
): boolean {
  return settings.allowlist === null || settings.allowlist.includes(address);
}

/** The allowlist column (JSON text or null) as a list. */
export function parseAllowlist(column: string | null): string[] | null {
  return column === null ? null : (JSON.parse(column) as string[]);
}

export function notAllowedMessage(
  environment: string,
  allowlist: readonly string[] | null,
  address: string,
): string {
  return `registry ${address} is not in the allowlist of environment ${environment} (allowed: ${allowlist?.join(', ') || 'none'})`;
}

export function deactivatedMessage(address: string): string {
  return `registry ${address} is deactivated`;
}
