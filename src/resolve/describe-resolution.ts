/** Sentences for the vault and credential steps of a resolution. */
import path from 'node:path';
import type { ConfigEntry, Resolution, VaultCredentialSummary } from './resolution.ts';

export function describeVault(
  environment: string,
  registry: string,
  found: VaultCredentialSummary | undefined,
): string {
  if (!found || found.state === 'deleted')
    return `no credential for ${registry} in vault environment ${environment}`;
  const who = found.updatedBy
    ? `, updated by ${found.updatedBy}${found.updatedAt ? ` at ${new Date(found.updatedAt).toISOString()}` : ''}`
    : '';
  if (found.state === 'deactivated')
    return `credential for ${registry} in environment ${environment} is DEACTIVATED (user ${found.username}${who}): pulls that need it fail`;
  return `active ${found.kind} credential for ${registry} in environment ${environment} (user ${found.username}${who})`;
}

export function describeCredentialSource(
  dir: string,
  registry: string,
  entry: ConfigEntry | undefined,
  vault: Resolution['vaultCredential'],
): string {
  const file = path.join(dir, 'config.json');
  const fromVault =
    vault?.state === 'active'
      ? ` (the vault's credential for it is in environment ${vault.environment}; write it there with purser export docker-config --env ${vault.environment} --out ${file})`
      : '';
  switch (entry?.kind) {
    case undefined:
      return vault?.state === 'active'
        ? `vault environment ${vault.environment}, user ${vault.username} (${file} not inspected)`
        : `${file} not inspected`;
    case 'auths':
      return `${file}: auths["${entry.key}"]${entry.username ? ` (user ${entry.username})` : ''}`;
    case 'helper':
      return `${file}: credHelpers["${entry.key}"] → docker-credential-${entry.helper}${entry.helper === 'purser' && vault ? ` (vault environment ${vault.environment})` : ''}`;
    case 'store':
      return `${file}: credsStore → docker-credential-${entry.helper}`;
    case 'none':
      return `${file} has no credential for ${registry}: anonymous pull${fromVault}`;
    case 'no-config-json':
      return `${file} does not exist: anonymous pull${fromVault}`;
    case 'no-directory':
      return `${dir} is not a directory: anonymous pull${fromVault}`;
    case 'unreadable':
      return `${file} cannot be read: ${entry.message}`;
  }
}
