/**
 * Expiry in real time: a fake endpoint that issues 10-second tokens shows the cache refreshing a
 * token in use at half-life, one mint under 20 concurrent gets, the old token served while the
 * endpoint is down, and no token at all once it has expired. Each step waits for the event it
 * expects (with a deadline) rather than sleeping a fixed time, so a loaded machine cannot make
 * it read a state a moment too early or too late.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AcrTokenProvider } from '../../src/cloud/acr-token-provider.ts';
import { EcrTokenProvider } from '../../src/cloud/ecr-token-provider.ts';
import { GcpTokenProvider } from '../../src/cloud/gcp-token-provider.ts';
import { MintedTokenCache, type MintedTokenEvent } from '../../src/cloud/minted-token-cache.ts';
import { type FakeAzure, startFakeAzure } from '../support/fake-azure.ts';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { type FakeGoogle, startFakeGoogle } from '../support/fake-google.ts';

const LIFETIME = 10;

/** Polls `probe` until it yields a value, failing after a token's lifetime and a half. */
async function untilValue<T>(probe: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + LIFETIME * 1_500;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function until(probe: () => boolean, what: string): Promise<void> {
  await untilValue(() => (probe() ? true : undefined), what);
}

describe('minted tokens kept fresh against short-lived fake endpoints', () => {
  let google: FakeGoogle;
  let ecr: FakeEcr;
  let azure: FakeAzure;
  before(async () => {
    google = await startFakeGoogle({ lifetimeSeconds: LIFETIME });
    ecr = await startFakeEcr({
      accessKeyId: 'AKIDPURSERTEST',
      region: 'us-east-1',
      lifetimeSeconds: LIFETIME,
    });
    azure = await startFakeAzure({
      tenantId: 't1',
      clientId: 'c1',
      clientSecret: 's1',
      registry: 'short.azurecr.io',
      lifetimeSeconds: LIFETIME,
    });
  });
  after(async () => {
    await Promise.all([google.close(), ecr.close(), azure.close()]);
  });

  test('GCP: 20 concurrent gets mint once; refreshed at half-life; the old token while down; none once expired', async () => {
    const events: MintedTokenEvent[] = [];
    const cache = new MintedTokenCache({ onEvent: (e) => events.push(e), staleWaitMs: 200 });
    const provider = new GcpTokenProvider({ keyJson: google.serviceAccount.json });
    try {
      const issuedAt = Date.now();
      const first = await Promise.all(Array.from({ length: 20 }, () => cache.get('gcp:ci', provider)));
      assert.equal(google.mints, 1);
      assert.equal(new Set(first.map((t) => t.password)).size, 1);

      // Past half-life: refreshed in the background, since the token was used.
      await until(() => google.mints === 2, 'the background refresh at half-life');
      assert.ok(Date.now() >= issuedAt + (LIFETIME / 2) * 1000 - 1_000, 'not before half-life');
      const second = await cache.get('gcp:ci', provider);
      assert.notEqual(second.password, first[0]!.password);
      assert.equal(google.mints, 2, 'served from the cache');

      google.down = true;
      // The next refresh fails; the token is still valid for a moment.
      await until(() => (cache.status('gcp:ci')?.consecutiveFailures ?? 0) >= 1, 'a failed refresh');
      const during = await cache.get('gcp:ci', provider);
      assert.equal(during.password, second.password, 'the still-valid token while the endpoint is down');
      assert.ok(during.expiresAt > Date.now() / 1000);
      assert.ok((cache.status('gcp:ci')?.consecutiveFailures ?? 0) >= 1);
      assert.match(cache.status('gcp:ci')?.lastFailure?.message ?? '', /HTTP 503/);

      // Expired (minus the margin): nothing is served any more.
      const expired = await untilValue(async () => {
        try {
          await cache.get('gcp:ci', provider);
          return undefined;
        } catch (error) {
          return error as Error;
        }
      }, 'the token to expire');
      assert.match(expired.message, /HTTP 503/);
      google.down = false;
      const back = await cache.get('gcp:ci', provider);
      assert.ok(back.expiresAt > Date.now() / 1000 + 2);
      assert.ok(events.some((e) => e.type === 'mint-failed'));
      for (const e of events) assert.ok(!JSON.stringify(e).includes(back.password), 'no token in events');
    } finally {
      cache.close();
    }
  });

  test('ECR and ACR: one mint each under concurrency, then an on-demand refresh after half-life', async () => {
    const cache = new MintedTokenCache();
    const ecrProvider = new EcrTokenProvider({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDPURSERTEST', secretAccessKey: 'x' },
      endpoint: ecr.url,
    });
    const acrProvider = new AcrTokenProvider({
      registry: 'short.azurecr.io',
      tenantId: 't1',
      clientId: 'c1',
      clientSecret: 's1',
      authority: azure.authority,
      registryUrl: azure.registryUrl,
    });
    try {
      await Promise.all([
        ...Array.from({ length: 20 }, () => cache.get('ecr', ecrProvider)),
        ...Array.from({ length: 20 }, () => cache.get('acr', acrProvider)),
      ]);
      assert.equal(ecr.mints, 1);
      assert.equal(azure.exchanges, 1);
      const acrFirst = await cache.get('acr', acrProvider);
      // Both were used, so both were refreshed in the background at half-life.
      await until(() => ecr.mints === 2 && azure.exchanges === 2, 'both background refreshes');
      assert.equal(ecr.mints, 2);
      assert.equal(azure.exchanges, 2);
      assert.notEqual((await cache.get('acr', acrProvider)).password, acrFirst.password);
    } finally {
      cache.close();
      ecrProvider.close();
    }
  });
});
