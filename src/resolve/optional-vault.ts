/**
 * Opening the local vault only when there is one: `resolve` and `ratelimit` work without a data
 * directory (no allowlist, no stored credential) and must not create one as a side effect.
 */
import fs from 'node:fs';
import { resolveDataLocation } from '../app/data-dir.ts';
import type { LocalVault } from '../app/local-vault.ts';
import { sqlitePath } from '../store/database.ts';

export async function openVaultIfPresent(
  options: { config?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalVault | undefined> {
  const location = resolveDataLocation(options, env);
  if (location.databaseUrl === undefined && !fs.existsSync(sqlitePath(location.dataDir))) return undefined;
  const { openLocalVault } = await import('../app/local-vault.ts');
  return openLocalVault(options, env);
}
