/**
 * The `purser-credential-provider` process (bin/purser-credential-provider.js; the protocol is in src/kubelet/): one kubelet
 * request, answered from the vault. The exit code is set here and nowhere else.
 */

import { openVaultCredentialLookup } from '../app/vault-credential-lookup.ts';
import { processProviderIo, runCredentialProvider } from '../kubelet/credential-provider.ts';

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCredentialProvider(processProviderIo(), () => openVaultCredentialLookup(env));
}
