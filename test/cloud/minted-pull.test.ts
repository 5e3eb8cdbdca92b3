/**
 * End to end with minted tokens: a real docker-registry whose htpasswd holds the very tokens
 * the fake ECR, Google and Azure endpoints hand out; the mini-kubelet runs a credential
 * provider process (runCredentialProvider, answering through each real provider and the
 * minted-token cache), and skopeo pulls with the credentials the kubelet received.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ACR_REFRESH_TOKEN_USERNAME, GCP_ACCESS_TOKEN_USERNAME } from '../../src/cloud/cloud-token.ts';
import { renderCredentialProviderConfig } from '../../src/kubelet/credential-provider-config.ts';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import type { ProviderFixture } from '../support/cloud-credential-provider.ts';
import { type FakeAzure, startFakeAzure } from '../support/fake-azure.ts';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google.ts';
import { MiniKubelet } from '../support/mini-kubelet.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { describeResult } from '../support/proc.ts';
import { type Registry, startRegistry, writeHtpasswd } from '../support/registry.ts';
import { skopeo } from '../support/skopeo.ts';
import { tempDir } from '../support/temp.ts';

const ENTRY = fileURLToPath(new URL('../support/cloud-credential-provider.ts', import.meta.url));
const TSX = fileURLToPath(import.meta.resolve('tsx'));
const PLUGIN = 'purser-test-cloud-provider';

describe('pulling with minted tokens handed to the kubelet', { timeout: 180_000 }, () => {
  const tokens = {
    ecr: `ecr-${randomBytes(12).toString('hex')}`,
    gcp: `ya29.${randomBytes(12).toString('hex')}`,
    acr: `acr-${randomBytes(12).toString('hex')}`,
  };
  let registry: Registry | undefined;
  let ecr: FakeEcr;
  let google: FakeGoogle;
  let azure: FakeAzure;
  let work: string;

  before(async () => {
    work = tempDir('purser-minted-pull-');
    ecr = await startFakeEcr({
      accessKeyId: 'AKIDPURSERTEST',
      region: 'eu-west-1',
      password: () => tokens.ecr,
    });
    google = await startFakeGoogle({ token: () => tokens.gcp });
    azure = await startFakeAzure({
      tenantId: 't1',
      clientId: 'c1',
      clientSecret: 's1',
      registry: 'purser.azurecr.io',
      refreshToken: () => tokens.acr,
    });
    if (!hasBinary('docker-registry') || !hasBinary('skopeo')) return;
    const htpasswd = join(work, 'htpasswd');
    writeHtpasswd(htpasswd, {
      AWS: tokens.ecr,
      [GCP_ACCESS_TOKEN_USERNAME]: tokens.gcp,
      [ACR_REFRESH_TOKEN_USERNAME]: tokens.acr,
    });
    registry = await startRegistry({ auth: { htpasswd: { path: htpasswd } } });
    const image = join(work, 'image');
    await makeOciImage(image, 'v1', 'minted');
    const push = await skopeo([
      'copy',
      '--dest-creds',
      `AWS:${tokens.ecr}`,
      `oci:${image}:v1`,
      `docker://${registry.host}/team/app:v1`,
    ]);
    assert.equal(push.code, 0, describeResult(push));
    const bin = join(work, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, PLUGIN),
      `#!/bin/sh\nexec "${process.execPath}" --import "${TSX}" "${ENTRY}" "$@"\n`,
    );
    chmodSync(join(bin, PLUGIN), 0o755);
  });

  after(async () => {
    await registry?.stop();
    await Promise.all([ecr?.close(), google?.close(), azure?.close()]);
  });

  test('ECR, GCP and ACR tokens each pull the image through skopeo', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const host = registry!.host;
    const fixtures: ProviderFixture[] = [
      {
        registry: host,
        kind: 'ecr',
        options: {
          region: 'eu-west-1',
          credentials: { accessKeyId: 'AKIDPURSERTEST', secretAccessKey: 'x' },
          endpoint: ecr.url,
        },
      },
      { registry: host, kind: 'gcp', options: { keyJson: google.serviceAccount.json } },
      {
        registry: host,
        kind: 'acr',
        options: {
          registry: 'purser.azurecr.io',
          tenantId: 't1',
          clientId: 'c1',
          clientSecret: 's1',
          authority: azure.authority,
          registryUrl: azure.registryUrl,
        },
      },
    ];
    for (const fixture of fixtures) {
      const file = join(work, `${fixture.kind}.json`);
      writeFileSync(file, JSON.stringify(fixture));
      const config = renderCredentialProviderConfig([
        { name: PLUGIN, matchImages: [host], env: [{ name: 'PURSER_TEST_PROVIDER_FIXTURE', value: file }] },
      ]);
      const kubelet = new MiniKubelet(config, { binDir: join(work, 'bin') });
      const found = await kubelet.lookup(`${host}/team/app:v1`);
      assert.deepEqual(found.errors, [], fixture.kind);
      const credential = found.credentials[0];
      assert.equal(credential?.key, host);
      assert.equal(credential?.password, tokens[fixture.kind], `${fixture.kind}: the minted token`);
      const pull = await skopeo([
        'copy',
        '--src-creds',
        `${credential!.username}:${credential!.password}`,
        `docker://${host}/team/app:v1`,
        `oci:${join(work, `pulled-${fixture.kind}`)}:v1`,
      ]);
      assert.equal(pull.code, 0, `${fixture.kind}: ${describeResult(pull)}`);
    }
    assert.equal(ecr.mints, 1);
    assert.equal(google.mints, 1);
    assert.equal(azure.exchanges, 1);
    const refused = await skopeo(['inspect', '--creds', `AWS:not-the-token`, `docker://${host}/team/app:v1`]);
    assert.notEqual(refused.code, 0, 'the registry really checks the token');
  });
});
