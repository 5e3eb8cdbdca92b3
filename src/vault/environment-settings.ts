/**
 * Per-environment settings: the default registry (where unqualified image names resolve instead
 * of Docker Hub) and the allowlist (when set, every other registry is refused; Docker Hub only
 * when listed). Environment names are short slugs.
 */
import { BadRequest, Denied } from '../domain/errors.ts';
import type { VaultEnvironmentsTable } from '../store/vault-tables.ts';
import { deactivatedMessage, isAllowed, notAllowedMessage, parseAllowlist } from './refusals.cts';

export const DEFAULT_ENVIRONMENT = 'default';

export interface EnvironmentSettings {
  readonly name: string;
  readonly defaultRegistry: string | null;
  /** null = no allowlist. */
  readonly allowlist: readonly string[] | null;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export function parseEnvironmentName(name: string | undefined): string {
  const value = (name ?? DEFAULT_ENVIRONMENT).trim();
  if (!NAME.test(value)) {
    throw new BadRequest(
      `environment name "${value}" is invalid: use lowercase letters, digits, ".", "_" or "-" (at most 63)`,
    );
  }
  return value;
}

export function settingsFromRow(
  name: string,
  row: Pick<VaultEnvironmentsTable, 'default_registry' | 'allowlist'> | undefined,
): EnvironmentSettings {
  if (!row) return { name, defaultRegistry: null, allowlist: null };
  return {
    name,
    defaultRegistry: row.default_registry,
    allowlist: parseAllowlist(row.allowlist),
  };
}

export { isAllowed };

export function notAllowed(settings: EnvironmentSettings, address: string): Denied {
  return new Denied(notAllowedMessage(settings.name, settings.allowlist, address));
}

export function deactivated(address: string): Denied {
  return new Denied(deactivatedMessage(address));
}
