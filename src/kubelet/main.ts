/**
 * The `purser-credential-provider` process (bin/purser-credential-provider.js): one kubelet
 * request, answered from the vault. The exit code is set here and nowhere else.
 */
import { processProviderIo, runCredentialProvider } from './credential-provider.ts';
import { openVaultCredentialLookup } from './vault-credential-lookup.ts';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCredentialProvider(processProviderIo(), () => openVaultCredentialLookup(env));
}
