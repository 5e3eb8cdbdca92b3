/**
 * A kubelet credential provider process for tests: the same entry as purser-credential-provider
 * (runCredentialProvider), answering from one cloud provider described by the JSON file in
 * PURSER_TEST_PROVIDER_FIXTURE — `{"registry": "...", "kind": "ecr"|"gcp"|"acr", ...options}` —
 * through the minted-token cache. Phase 2 replaces the fixture with the vault's cloud kinds.
 */
import { readFileSync } from 'node:fs';
import { AcrTokenProvider } from '../../src/cloud/acr-token-provider.ts';
import type { CloudTokenProvider } from '../../src/cloud/cloud-token.ts';
import { EcrTokenProvider } from '../../src/cloud/ecr-token-provider.ts';
import { GcpTokenProvider } from '../../src/cloud/gcp-token-provider.ts';
import { MintedCredentialLookup } from '../../src/cloud/minted-credential-lookup.ts';
import { MintedTokenCache } from '../../src/cloud/minted-token-cache.ts';
import { processProviderIo, runCredentialProvider } from '../../src/kubelet/credential-provider.ts';

export interface ProviderFixture {
  readonly registry: string;
  readonly kind: 'ecr' | 'gcp' | 'acr';
  readonly options: Record<string, unknown>;
}

function providerOf(fixture: ProviderFixture): CloudTokenProvider {
  const o = fixture.options as never;
  if (fixture.kind === 'ecr') return new EcrTokenProvider(o);
  if (fixture.kind === 'gcp') return new GcpTokenProvider(o);
  return new AcrTokenProvider(o);
}

const code = await runCredentialProvider(processProviderIo(), async () => {
  const fixture = JSON.parse(
    readFileSync(process.env.PURSER_TEST_PROVIDER_FIXTURE ?? '', 'utf8'),
  ) as ProviderFixture;
  const provider = providerOf(fixture);
  return new MintedCredentialLookup(
    new MintedTokenCache(),
    new Map([[fixture.registry, { key: `${fixture.kind}:${fixture.registry}`, provider }]]),
  );
});
process.exitCode = code;
