/**
 * End to end from the vault: a real docker-registry whose htpasswd passwords are the tokens the
 * fake ECR and Google endpoints hand out; the credentials are stored with `purser vault add
 * --kind ecr|gcp|acr` (ACR's login server is a router: /oauth2/* to the fake Azure, the rest to
 * the registry), and skopeo pulls through `docker-credential-purser` (credHelpers in its auth
 * file) and with what `purser-credential-provider` answered the mini-kubelet, configured by
 * `purser export kubelet-provider-config`. The provider's
 * cacheDuration stays within the token's half-life.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ACR_REFRESH_TOKEN_USERNAME, GCP_ACCESS_TOKEN_USERNAME } from '../../src/cloud/cloud-token.ts';
import { parseGoDuration } from '../../src/kubelet/go-duration.ts';
import { type AcrRouter, startAcrRouter } from '../support/acr-router.ts';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import { tempAuthFile } from '../support/containers-env.ts';
import { type FakeAzure, startFakeAzure } from '../support/fake-azure.ts';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google.ts';
import { MiniKubelet } from '../support/mini-kubelet.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { describeResult, run } from '../support/proc.ts';
import { type Registry, startRegistry, writeHtpasswd } from '../support/registry.ts';
import { skopeo } from '../support/skopeo.ts';
import { type VaultFixture, vaultFixture } from '../vault/vault-fixture.ts';

const PROVIDER_BIN = fileURLToPath(new URL('../../bin/purser-credential-provider.js', import.meta.url));

describe('pulling with tokens minted from the vault', { timeout: 180_000 }, () => {
  const tokens = {
    ecr: `ecr-${randomBytes(12).toString('hex')}`,
    gcp: `ya29.${randomBytes(12).toString('hex')}`,
    acr: `acr-${randomBytes(12).toString('hex')}`,
  };
  let vault: VaultFixture;
  let registry: Registry | undefined;
  let ecr: FakeEcr;
  let google: FakeGoogle;
  let azure: FakeAzure;
  let router: AcrRouter | undefined;
  /** The one registry under three vault addresses: ECR's, GCP's and (through the router) ACR's credential. */
  let ecrHost: string;
  let gcpHost: string;
  let acrHost: string;

  before(async () => {
    vault = vaultFixture();
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
      registry: '',
      refreshToken: () => tokens.acr,
    });
    if (!hasBinary('docker-registry') || !hasBinary('skopeo')) return;
    const htpasswd = join(vault.root, 'htpasswd');
    writeHtpasswd(htpasswd, {
      AWS: tokens.ecr,
      [GCP_ACCESS_TOKEN_USERNAME]: tokens.gcp,
      [ACR_REFRESH_TOKEN_USERNAME]: tokens.acr,
    });
    registry = await startRegistry({ auth: { htpasswd: { path: htpasswd } } });
    ecrHost = registry.host;
    gcpHost = registry.host.replace('127.0.0.1', 'localhost');
    router = await startAcrRouter(azure.url, registry.url);
    acrHost = router.host;
    azure.registry = acrHost;
    const image = join(vault.root, 'image');
    await makeOciImage(image, 'v1', 'from the vault');
    const push = await skopeo([
      'copy',
      '--dest-creds',
      `AWS:${tokens.ecr}`,
      `oci:${image}:v1`,
      `docker://${ecrHost}/team/app:v1`,
    ]);
    assert.equal(push.code, 0, describeResult(push));
    writeFileSync(join(vault.root, 'aws.secret'), 'x');
    writeFileSync(join(vault.root, 'key.json'), google.serviceAccount.json);
    writeFileSync(join(vault.root, 'sp.secret'), 's1');
    for (const args of [
      [ecrHost, '--kind', 'ecr', '--aws-region', 'eu-west-1', '--aws-access-key-id', 'AKIDPURSERTEST'],
      [gcpHost, '--kind', 'gcp', '--password-file', join(vault.root, 'key.json')],
      [
        acrHost,
        '--kind',
        'acr',
        '--azure-tenant',
        't1',
        '--azure-client-id',
        'c1',
        '--azure-client-secret-file',
        join(vault.root, 'sp.secret'),
        '--azure-authority',
        azure.authority,
      ],
    ]) {
      const extra =
        args[2] === 'ecr'
          ? ['--aws-secret-access-key-file', join(vault.root, 'aws.secret'), '--aws-endpoint', ecr.url]
          : [];
      const added = await vault.cli(['vault', 'add', ...args, ...extra]);
      assert.equal(added.code, 0, describeResult(added));
    }
    symlinkSync(PROVIDER_BIN, join(vault.binDir, 'purser-credential-provider'));
  });

  after(async () => {
    await router?.close();
    await registry?.stop();
    await Promise.all([ecr?.close(), google?.close(), azure?.close()]);
  });

  test('skopeo pulls through docker-credential-purser with ECR, GCP and ACR tokens', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const authfile = tempAuthFile({
      credHelpers: { [ecrHost]: 'purser', [gcpHost]: 'purser', [acrHost]: 'purser' },
    });
    for (const host of [ecrHost, gcpHost, acrHost]) {
      const pull = await skopeo(
        [
          'copy',
          `docker://${host}/team/app:v1`,
          `oci:${join(vault.root, `helper-${host.split(':')[0]}`)}:v1`,
        ],
        { authfile, env: vault.env },
      );
      assert.equal(pull.code, 0, `${host}: ${describeResult(pull)}`);
    }
    assert.equal(ecr.mints, 1);
    assert.equal(google.mints, 1);
    assert.equal(azure.exchanges, 1);
    const refused = await skopeo([
      'inspect',
      '--creds',
      'AWS:not-the-token',
      `docker://${ecrHost}/team/app:v1`,
    ]);
    assert.notEqual(refused.code, 0, 'the registry really checks the token');
  });

  test('skopeo pulls with what purser-credential-provider gave the kubelet', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const exported = await vault.cli([
      'export',
      'kubelet-provider-config',
      '--match',
      ecrHost,
      '--match',
      gcpHost,
      '--match',
      acrHost,
    ]);
    assert.equal(exported.code, 0, describeResult(exported));
    const config = exported.stdout;
    assert.match(config, /kind: CredentialProviderConfig/);
    assert.match(config, new RegExp(`value: ${vault.dataDir}`), 'the provider finds this data directory');
    const kubelet = new MiniKubelet(config, {
      binDir: vault.binDir,
      env: { ...process.env, PURSER_CONFIG: undefined, PURSER_URL: undefined },
    });
    for (const [host, username, token] of [
      [ecrHost, 'AWS', tokens.ecr],
      [gcpHost, GCP_ACCESS_TOKEN_USERNAME, tokens.gcp],
      [acrHost, ACR_REFRESH_TOKEN_USERNAME, tokens.acr],
    ] as const) {
      const found = await kubelet.lookup(`${host}/team/app:v1`);
      assert.deepEqual(found.errors, []);
      assert.deepEqual(found.credentials, [{ key: host, username, password: token }]);
      const pull = await skopeo([
        'copy',
        '--src-creds',
        `${username}:${token}`,
        `docker://${host}/team/app:v1`,
        `oci:${join(vault.root, `kubelet-${host.split(':')[0]}`)}:v1`,
      ]);
      assert.equal(pull.code, 0, `${host}: ${describeResult(pull)}`);
    }

    // The answer itself: keyed by registry, cached no longer than the token's half-life.
    const answer = await run(join(vault.binDir, 'purser-credential-provider'), [], {
      env: { PURSER_DATA: vault.dataDir, PURSER_CONFIG: undefined, PURSER_URL: undefined },
      input: JSON.stringify({
        apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
        kind: 'CredentialProviderRequest',
        image: `${ecrHost}/team/app:v1`,
      }),
    });
    assert.equal(answer.code, 0, describeResult(answer));
    const response = JSON.parse(answer.stdout) as { cacheKeyType: string; cacheDuration: string };
    assert.equal(response.cacheKeyType, 'Registry');
    const halfLifeMs = (ecr.lifetimeSeconds * 1000) / 2;
    const cacheMs = parseGoDuration(response.cacheDuration);
    assert.ok(
      cacheMs > 0 && cacheMs <= halfLifeMs,
      `cacheDuration ${response.cacheDuration} within the half-life`,
    );
    assert.equal(ecr.mints, 1, 'the provider read the token the helper cached');
  });
});
