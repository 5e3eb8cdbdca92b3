/**
 * Each cloud token provider through its real client path (the AWS SDK with SigV4; jose and
 * fetch for Google and Azure) against a local endpoint speaking the service's wire protocol.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { AcrTokenProvider } from '../../src/cloud/acr-token-provider.ts';
import { ACR_REFRESH_TOKEN_USERNAME, GCP_ACCESS_TOKEN_USERNAME } from '../../src/cloud/cloud-token.ts';
import { EcrTokenProvider } from '../../src/cloud/ecr-token-provider.ts';
import { GcpTokenProvider } from '../../src/cloud/gcp-token-provider.ts';
import { type FakeAzure, startFakeAzure } from '../support/fake-azure.ts';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google.ts';
import { tempDir } from '../support/temp.ts';

const now = () => Date.now() / 1000;

describe('ECR GetAuthorizationToken through @aws-sdk/client-ecr', () => {
  let ecr: FakeEcr;
  const roleArn = 'arn:aws:iam::123456789012:role/puller';
  before(async () => {
    ecr = await startFakeEcr({ accessKeyId: 'AKIDPURSERTEST', region: 'eu-west-3' });
  });
  after(() => ecr.close());
  const staticKey = { accessKeyId: 'AKIDPURSERTEST', secretAccessKey: 'not-checked' };

  test('a static key: AWS:password split, expiresAt in epoch seconds, the registry from proxyEndpoint', async () => {
    const provider = new EcrTokenProvider({ region: 'eu-west-3', credentials: staticKey, endpoint: ecr.url });
    const token = await provider.mint();
    provider.close();
    assert.equal(token.username, 'AWS');
    assert.ok(token.password.length > 20 && !token.password.includes('AWS:'));
    assert.ok(Math.abs(token.expiresAt - (now() + 12 * 3600)) < 60, `expiresAt ${token.expiresAt}`);
    assert.equal(token.registry, ecr.registryHost);
    assert.equal(ecr.callers.at(-1), 'AKIDPURSERTEST');
  });

  test('a wrong key or region is refused with ECR’s own error', async () => {
    const wrongKey = new EcrTokenProvider({
      region: 'eu-west-3',
      credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' },
      endpoint: ecr.url,
    });
    await assert.rejects(wrongKey.mint(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'UNAVAILABLE');
      assert.match(error.message, /UnrecognizedClientException/);
      assert.ok(!error.message.includes('not-checked'));
      return true;
    });
    const wrongRegion = new EcrTokenProvider({
      region: 'us-east-1',
      credentials: staticKey,
      endpoint: ecr.url,
    });
    await assert.rejects(wrongRegion.mint(), /InvalidSignatureException/);
    wrongKey.close();
    wrongRegion.close();
    assert.throws(() => new EcrTokenProvider({ region: 'mars' }), /not an AWS region/);
  });

  test('the endpoint from AWS_ENDPOINT_URL_ECR, the key from a named profile', async () => {
    const dir = tempDir('purser-aws-');
    writeFileSync(
      join(dir, 'credentials'),
      '[ci]\naws_access_key_id = AKIDPURSERTEST\naws_secret_access_key = s\n',
    );
    writeFileSync(join(dir, 'config'), '[profile ci]\nregion = eu-west-3\n');
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_ECR: ecr.url,
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_CONFIG_FILE: join(dir, 'config'),
    });
    try {
      const provider = new EcrTokenProvider({ region: 'eu-west-3', credentials: { profile: 'ci' } });
      const before = ecr.mints;
      assert.equal((await provider.mint()).registry, ecr.registryHost);
      assert.equal(ecr.mints, before + 1);
      provider.close();
    } finally {
      for (const key of ['AWS_ENDPOINT_URL_ECR', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'])
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
    }
  });

  test('--aws-role-arn: STS AssumeRole first, then ECR signed with the session key', async () => {
    const roleEcr = await startFakeEcr({ accessKeyId: 'AKIDPURSERTEST', region: 'eu-west-3', roleArn });
    try {
      const direct = new EcrTokenProvider({
        region: 'eu-west-3',
        credentials: staticKey,
        endpoint: roleEcr.url,
      });
      await assert.rejects(direct.mint(), /AccessDeniedException/);
      direct.close();
      const provider = new EcrTokenProvider({
        region: 'eu-west-3',
        credentials: staticKey,
        roleArn,
        endpoint: roleEcr.url,
        stsEndpoint: roleEcr.url,
      });
      const token = await provider.mint();
      provider.close();
      assert.equal(token.username, 'AWS');
      assert.match(roleEcr.callers.at(-1) ?? '', /^ASIA/);
      assert.equal(roleEcr.callers.at(-1), roleEcr.assumed?.accessKeyId);
    } finally {
      await roleEcr.close();
    }
  });

  test('an endpoint that is down fails the mint with a clear message', async () => {
    ecr.down = true;
    const provider = new EcrTokenProvider({
      region: 'eu-west-3',
      credentials: staticKey,
      endpoint: ecr.url,
      maxAttempts: 1,
    });
    try {
      await assert.rejects(
        provider.mint(),
        /ECR GetAuthorizationToken in eu-west-3 failed: HTTP 503 ServerException/,
      );
    } finally {
      ecr.down = false;
      provider.close();
    }
  });
});

describe('GCP access tokens: the JWT-bearer grant to the key’s token_uri', () => {
  let google: FakeGoogle;
  before(async () => {
    google = await startFakeGoogle();
  });
  after(() => google.close());

  test('mints oauth2accesstoken + an access token at the token_uri of the key', async () => {
    const provider = new GcpTokenProvider({ keyJson: google.serviceAccount.json });
    const token = await provider.mint();
    assert.equal(token.username, GCP_ACCESS_TOKEN_USERNAME);
    assert.match(token.password, /^ya29\./);
    assert.ok(Math.abs(token.expiresAt - (now() + 3600)) < 60);
    assert.equal(google.mints, 1);
  });

  test('an assertion signed by another key, or a wrong scope, is refused', async () => {
    const key = JSON.parse(google.serviceAccount.json) as Record<string, string>;
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = JSON.stringify({ ...key, private_key: other.export({ type: 'pkcs8', format: 'pem' }) });
    await assert.rejects(new GcpTokenProvider({ keyJson: forged }).mint(), /invalid_grant: Invalid JWT/);
    await assert.rejects(
      new GcpTokenProvider({
        keyJson: google.serviceAccount.json,
        scopes: ['https://www.googleapis.com/auth/devstorage.read_only'],
      }).mint(),
      /invalid_grant/,
    );
  });

  test('bad keys are refused before any request, without quoting the key', () => {
    assert.throws(() => new GcpTokenProvider({ keyJson: '{not json' }), /not valid JSON/);
    assert.throws(
      () => new GcpTokenProvider({ keyJson: '{"type":"authorized_user"}' }),
      /service-account key/,
    );
    const key = JSON.parse(google.serviceAccount.json) as Record<string, string>;
    assert.throws(
      () =>
        new GcpTokenProvider({ keyJson: JSON.stringify({ ...key, token_uri: 'http://example.com/token' }) }),
      /must use https/,
    );
  });
});

describe('ACR refresh tokens: AAD client credentials, then /oauth2/exchange', () => {
  let azure: FakeAzure;
  const registry = 'purser.azurecr.io';
  const principal = { tenantId: 'contoso.onmicrosoft.com', clientId: 'app-1', clientSecret: 'sp-secret' };
  before(async () => {
    azure = await startFakeAzure({ ...principal, registry });
  });
  after(() => azure.close());
  const provider = (overrides: Partial<typeof principal> = {}) =>
    new AcrTokenProvider({
      registry,
      ...principal,
      ...overrides,
      authority: azure.authority,
      registryUrl: azure.registryUrl,
    });

  test('mints the null-GUID user and an ACR refresh token, expiring at its own exp', async () => {
    const token = await provider().mint();
    assert.equal(token.username, ACR_REFRESH_TOKEN_USERNAME);
    assert.equal(token.registry, registry);
    const claims = decodeJwt(token.password);
    assert.equal(claims.aud, registry);
    assert.equal(token.expiresAt, claims.exp);
    assert.equal(azure.exchanges, 1);
  });

  test('the access-token form: /oauth2/token with scopes', async () => {
    const acr = provider();
    const refresh = await acr.mint();
    const access = await acr.accessToken(refresh.password, ['repository:app:pull', 'registry:catalog:*']);
    assert.deepEqual(azure.lastScopes, ['repository:app:pull', 'registry:catalog:*']);
    assert.ok(access.expiresAt > now());
  });

  test('a wrong secret or tenant is refused with AAD’s error, never echoing the secret', async () => {
    await assert.rejects(provider({ clientSecret: 'wrong-secret' }).mint(), (error: Error) => {
      assert.match(error.message, /invalid_client: AADSTS7000215/);
      assert.ok(!error.message.includes('wrong-secret'));
      return true;
    });
    await assert.rejects(provider({ tenantId: 'fabrikam' }).mint(), /Tenant not found/);
    assert.throws(
      () => new AcrTokenProvider({ registry, ...principal, authority: 'http://login.example.com' }),
      /must use https/,
    );
  });
});
