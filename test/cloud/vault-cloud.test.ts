/**
 * The vault's cloud kinds from the command line: `purser vault add --kind ecr|gcp|acr` seals the
 * material; `docker-credential-purser get` (its fast path hands cloud kinds to the full vault)
 * and `purser export` hand out tokens minted by the real SDKs against local fake endpoints; the
 * token is cached sealed in the store, so the next process does not mint again; processes
 * sharing the store mint once; deleting the credential destroys the cached token.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ACR_REFRESH_TOKEN_USERNAME, GCP_ACCESS_TOKEN_USERNAME } from '../../src/cloud/cloud-token.ts';
import { type FakeAzure, startFakeAzure } from '../support/fake-azure.ts';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google.ts';
import { describeResult } from '../support/proc.ts';
import { type VaultFixture, vaultFixture } from '../vault/vault-fixture.ts';

const AWS_SECRET = 'aws-secret-key-never-shown';
const CLIENT_SECRET = 'azure-client-secret-never-shown';

describe('cloud credentials in the vault', { timeout: 120_000 }, () => {
  let vault: VaultFixture;
  let ecr: FakeEcr;
  let google: FakeGoogle;
  let azure: FakeAzure;
  let ecrTokens = 0;
  const ecrToken = () => `ecr-token-${++ecrTokens}`;

  before(async () => {
    vault = vaultFixture();
    ecr = await startFakeEcr({ accessKeyId: 'AKIDPURSERTEST', region: 'eu-west-1', password: ecrToken });
    google = await startFakeGoogle();
    azure = await startFakeAzure({
      tenantId: 't1',
      clientId: 'c1',
      clientSecret: CLIENT_SECRET,
      registry: '',
    });
    azure.registry = new URL(azure.url).host;
    writeFileSync(join(vault.root, 'aws.secret'), `${AWS_SECRET}\n`);
    writeFileSync(join(vault.root, 'sp.secret'), `${CLIENT_SECRET}\n`);
    writeFileSync(join(vault.root, 'key.json'), google.serviceAccount.json);
  });

  after(async () => {
    await Promise.all([ecr?.close(), google?.close(), azure?.close()]);
  });

  const get = async (server: string, env: Record<string, string> = {}) => {
    const r = await vault.helper('get', server, env);
    assert.equal(r.code, 0, describeResult(r));
    return JSON.parse(r.stdout) as { ServerURL: string; Username: string; Secret: string };
  };

  test('ECR: vault add seals the key; the helper and export hand out the minted token, minted once', async () => {
    const added = await vault.cli([
      'vault',
      'add',
      ecr.registryHost,
      '--kind',
      'ecr',
      '--aws-region',
      'eu-west-1',
      '--aws-access-key-id',
      'AKIDPURSERTEST',
      '--aws-secret-access-key-file',
      join(vault.root, 'aws.secret'),
      '--aws-endpoint',
      ecr.url,
    ]);
    assert.equal(added.code, 0, describeResult(added));
    assert.match(added.stdout, /stored ecr credential/);
    const shown = await vault.cli(['vault', 'show', ecr.registryHost, '--json']);
    assert.equal(shown.code, 0, describeResult(shown));
    const record = JSON.parse(shown.stdout) as { kind: string; username: string };
    assert.equal(record.kind, 'ecr');
    assert.equal(record.username, 'AWS');
    assert.doesNotMatch(shown.stdout, new RegExp(AWS_SECRET));

    const first = await get(`https://${ecr.registryHost}`);
    assert.deepEqual(
      [first.Username, first.Secret],
      ['AWS', 'ecr-token-1'],
      'the token GetAuthorizationToken handed out',
    );
    assert.deepEqual(ecr.callers, ['AKIDPURSERTEST']);
    const again = await get(ecr.registryHost);
    assert.equal(again.Secret, 'ecr-token-1', 'the cached token');
    assert.equal(ecr.mints, 1, 'the next process read the sealed token instead of minting');

    const exported = await vault.cli(['export', 'docker-config', '--registry', ecr.registryHost]);
    assert.equal(exported.code, 0, describeResult(exported));
    const auths = (JSON.parse(exported.stdout) as { auths: Record<string, { auth: string }> }).auths;
    assert.equal(
      Buffer.from(auths[ecr.registryHost]!.auth, 'base64').toString(),
      'AWS:ecr-token-1',
      'export writes the minted token',
    );
    assert.equal(ecr.mints, 1);

    const db = readFileSync(join(vault.dataDir, 'purser.db'));
    assert.ok(!db.includes(AWS_SECRET), 'the secret access key is sealed');
    assert.ok(!db.includes('ecr-token-1'), 'the cached token is sealed');
  });

  test('ECR without --aws-endpoint honours AWS_ENDPOINT_URL_ECR', async () => {
    const address = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';
    const added = await vault.cli([
      'vault',
      'add',
      address,
      '--kind',
      'ecr',
      '--aws-region',
      'eu-west-1',
      '--aws-access-key-id',
      'AKIDPURSERTEST',
      '--aws-secret-access-key-file',
      join(vault.root, 'aws.secret'),
    ]);
    assert.equal(added.code, 0, describeResult(added));
    const before = ecr.mints;
    const found = await get(address, { AWS_ENDPOINT_URL_ECR: ecr.url });
    assert.equal(found.Username, 'AWS');
    assert.match(found.Secret, /^ecr-token-\d+$/);
    assert.equal(ecr.mints, before + 1);
  });

  test('GCP: a service-account key becomes oauth2accesstoken + an access token', async () => {
    const added = await vault.cli([
      'vault',
      'add',
      'europe-docker.pkg.dev',
      '--kind',
      'gcp',
      '--password-file',
      join(vault.root, 'key.json'),
    ]);
    assert.equal(added.code, 0, describeResult(added));
    const found = await get('europe-docker.pkg.dev');
    assert.equal(found.Username, GCP_ACCESS_TOKEN_USERNAME);
    assert.ok(found.Secret.length > 10);
    assert.equal(google.mints, 1);
  });

  test('ACR: a service principal becomes the null-GUID user and an ACR refresh token', async () => {
    const added = await vault.cli([
      'vault',
      'add',
      azure.registry,
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
    ]);
    assert.equal(added.code, 0, describeResult(added));
    const found = await get(azure.registry);
    assert.equal(found.Username, ACR_REFRESH_TOKEN_USERNAME);
    assert.equal(azure.exchanges, 1);
    const db = readFileSync(join(vault.dataDir, 'purser.db'));
    assert.ok(!db.includes(CLIENT_SECRET), 'the client secret is sealed');
  });

  test('a wrong flag is a usage error naming it', async () => {
    const r = await vault.cli(['vault', 'add', 'x.example', '--kind', 'gcp', '--aws-region', 'eu-west-1']);
    assert.equal(r.code, 2, describeResult(r));
    assert.match(r.stderr, /--aws-region does not apply to --kind gcp/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  test('processes sharing the store mint once; deleting the credential destroys the cached token', async () => {
    const address = '333333333333.dkr.ecr.eu-west-1.amazonaws.com';
    const added = await vault.cli([
      'vault',
      'add',
      address,
      '--kind',
      'ecr',
      '--aws-region',
      'eu-west-1',
      '--aws-access-key-id',
      'AKIDPURSERTEST',
      '--aws-secret-access-key-file',
      join(vault.root, 'aws.secret'),
      '--aws-endpoint',
      ecr.url,
    ]);
    assert.equal(added.code, 0, describeResult(added));
    const before = ecr.mints;
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(address)));
    assert.equal(new Set(answers.map((a) => a.Secret)).size, 1, 'every process got the same token');
    assert.equal(ecr.mints, before + 1, 'one mint for six concurrent helper processes');

    const removed = await vault.cli(['vault', 'rm', address]);
    assert.equal(removed.code, 0, describeResult(removed));
    const miss = await vault.helper('get', address);
    assert.equal(miss.code, 1);
    assert.match(miss.stdout, /credentials not found/);
  });
});
