/**
 * Docker Hub rate limits against a local server that behaves like Docker Hub's token endpoint
 * and registry: anonymous and authenticated (password and identity token), through the library
 * and through `purser ratelimit` with a credential stored in the vault.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dockerHubRateLimit, parseRateHeader, RateLimitError } from '../../src/ratelimit/docker-hub-rate.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';
import { type FakeDockerHub, startFakeDockerHub } from './fake-docker-hub.ts';

describe('Docker Hub rate limit', () => {
  let hub: FakeDockerHub;
  /** What the stand-in reports remaining for alice (pulls elsewhere, or not, between checks). */
  let aliceRemaining = 150;
  before(async () => {
    hub = await startFakeDockerHub({
      users: { alice: 'alice-pat', unlimited: 'pro-pat', throttled: 'x' },
      refreshTokens: { 'refresh-alice': 'alice' },
      rate: (caller): { status?: number; headers: Record<string, string> } => {
        if (caller === 'anonymous') {
          return {
            headers: {
              'ratelimit-limit': '100;w=21600',
              'ratelimit-remaining': '7;w=21600',
              'docker-ratelimit-source': '203.0.113.7',
              // Gantry ignores these on purpose; so must we.
              'x-ratelimit-limit': '999',
              'x-ratelimit-remaining': '998',
            },
          };
        }
        if (caller === 'alice') {
          return {
            headers: {
              'ratelimit-limit': '200;w=21600',
              'ratelimit-remaining': `${aliceRemaining};w=21600`,
              'docker-ratelimit-source': 'b7e1c6a2-alice',
            },
          };
        }
        if (caller === 'throttled')
          return {
            status: 429,
            headers: { 'ratelimit-limit': '200;w=21600', 'ratelimit-remaining': '-3;w=21600' },
          };
        return { headers: {} };
      },
    });
  });
  after(() => hub.close());

  const endpoints = () => ({ authUrl: hub.authUrl, registryUrl: hub.registryUrl });

  test('parses the headers as Docker documents them', () => {
    assert.deepEqual(parseRateHeader('100;w=21600'), { value: 100, window: 21600 });
    assert.deepEqual(parseRateHeader('-2;w=60'), { value: 0, window: 60 });
    assert.equal(parseRateHeader(null), undefined);
  });

  test('anonymous: quota of the source address, low warning below 10%, HEAD only', async () => {
    const before = hub.requests.length;
    const rate = await dockerHubRateLimit(endpoints());
    assert.equal(rate.authenticated, false);
    assert.deepEqual([rate.limit, rate.remaining, rate.window, rate.source], [100, 7, 21600, '203.0.113.7']);
    assert.equal(rate.low, true);
    assert.deepEqual(hub.requests.slice(before), [
      'GET /token',
      'HEAD /v2/ratelimitpreview/test/manifests/latest',
    ]);
  });

  test('authenticated with a password or access token', async () => {
    const rate = await dockerHubRateLimit({
      ...endpoints(),
      credential: { username: 'alice', secret: 'alice-pat' },
    });
    assert.deepEqual(
      [rate.authenticated, rate.username, rate.limit, rate.remaining, rate.source, rate.low],
      [true, 'alice', 200, 150, 'b7e1c6a2-alice', false],
    );
  });

  test('authenticated with an identity token (OAuth refresh_token grant)', async () => {
    const rate = await dockerHubRateLimit({
      ...endpoints(),
      credential: { username: 'alice', secret: 'refresh-alice', identityToken: true },
    });
    assert.equal(rate.remaining, 150);
  });

  test('no ratelimit headers: not limited', async () => {
    const rate = await dockerHubRateLimit({
      ...endpoints(),
      credential: { username: 'unlimited', secret: 'pro-pat' },
    });
    assert.deepEqual([rate.limited, rate.limit, rate.remaining, rate.low], [false, null, null, false]);
  });

  test('429 Too Many Requests: nothing remains', async () => {
    const rate = await dockerHubRateLimit({
      ...endpoints(),
      credential: { username: 'throttled', secret: 'x' },
    });
    assert.deepEqual([rate.remaining, rate.limit, rate.low], [0, 200, true]);
  });

  test('a wrong password is an error, not an anonymous answer', async () => {
    await assert.rejects(
      dockerHubRateLimit({ ...endpoints(), credential: { username: 'alice', secret: 'wrong' } }),
      (e: unknown) => e instanceof RateLimitError && /refused the credential of alice/.test(e.message),
    );
  });

  describe('purser ratelimit', () => {
    let data: string;
    const env = () => ({
      PURSER_DATA: data,
      PURSER_MASTER_KEY: undefined,
      PURSER_DOCKERHUB_AUTH_URL: hub.authUrl,
      PURSER_DOCKERHUB_REGISTRY_URL: hub.registryUrl,
    });

    before(async () => {
      data = path.join(tempDir('purser-ratelimit-'), 'data');
      const add = await purserCli(
        ['vault', 'add', 'index.docker.io', '--username', 'alice', '--password-stdin', '--env', 'prod'],
        { env: env(), input: 'alice-pat\n' },
      );
      assert.equal(add.code, 0, describeResult(add));
    });

    test('uses the stored Docker Hub credential of the environment', async () => {
      const r = await purserCli(['ratelimit', '--env', 'prod', '--json'], { env: env() });
      assert.equal(r.code, 0, describeResult(r));
      const out = JSON.parse(r.stdout);
      assert.equal(out.rate.authenticated, true);
      assert.equal(out.rate.username, 'alice');
      assert.equal(out.rate.remaining, 150);
      assert.equal(out.anonymousReason, null);
      assert.doesNotMatch(r.stdout, /alice-pat/);
    });

    test('says how many pulls were counted since the last check (what a mirror saves shows here)', async () => {
      let r = await purserCli(['ratelimit', '--env', 'prod'], { env: env() });
      assert.equal(r.code, 0, describeResult(r));
      assert.match(r.stdout, /since .*: 0 pulls counted against this quota \(pulls a mirror serves/);
      aliceRemaining = 140;
      try {
        r = await purserCli(['ratelimit', '--env', 'prod', '--json'], { env: env() });
        assert.equal(r.code, 0, describeResult(r));
        assert.equal(
          (JSON.parse(r.stdout) as { sinceLastCheck: { counted: number } }).sinceLastCheck.counted,
          10,
        );
      } finally {
        aliceRemaining = 150;
      }
    });

    test('is anonymous for an environment without one, and says why', async () => {
      const r = await purserCli(['ratelimit'], { env: env() });
      assert.equal(r.code, 0, describeResult(r));
      assert.match(
        r.stdout,
        /Docker Hub \(anonymous\): 7 of 100 pulls remaining per 6 h, source 203\.0\.113\.7 — WARNING: below 10% of the limit/,
      );
      assert.match(r.stdout, /window +21600 s \(6 h\)/);
      assert.match(r.stderr, /no Docker Hub credential in environment default/);
    });

    test('--auth-url and --registry-url override the environment', async () => {
      const r = await purserCli(
        ['ratelimit', '--env', 'prod', '--auth-url', 'http://127.0.0.1:9/token', '--json'],
        { env: env() },
      );
      assert.equal(r.code, 7, describeResult(r));
      assert.match(r.stderr, /cannot reach the Docker Hub token server http:\/\/127\.0\.0\.1:9\/token/);
    });

    test('--mirror whose counters cannot be read: the quota is shown, the failure says why, exit 7', async () => {
      const r = await purserCli(['ratelimit', '--env', 'prod', '--mirror', 'http://127.0.0.1:9'], {
        env: env(),
      });
      assert.equal(r.code, 7, describeResult(r));
      assert.match(r.stdout, /Docker Hub \(as alice\): \d+ of 200 pulls remaining/);
      assert.match(
        r.stdout,
        /mirror: cannot read the mirror's counters at http:\/\/127\.0\.0\.1:9\/debug\/vars/,
      );
      const notProxy = await purserCli(
        ['ratelimit', '--env', 'prod', '--json', '--mirror', hub.registryUrl],
        {
          env: env(),
        },
      );
      assert.equal(notProxy.code, 7, describeResult(notProxy));
      assert.match(
        (JSON.parse(notProxy.stdout) as { mirror: { error: string } }).mirror.error,
        /answered HTTP \d+|no registry\.proxy counters/,
      );
    });

    test('purser vault check includes the remaining quota of Docker Hub credentials', async () => {
      const low = await purserCli(
        ['vault', 'add', 'docker.io', '--username', 'throttled', '--password-stdin', '--env', 'ci'],
        { env: env(), input: 'x\n' },
      );
      assert.equal(low.code, 0, describeResult(low));
      // The credential check itself goes to the real Docker Hub (unreachable here, or not): only the
      // quota lines, which go to the fake, are asserted.
      const r = await purserCli(['vault', 'check'], { env: env(), timeoutMs: 60_000 });
      assert.match(
        r.stdout,
        /^Docker Hub quota \(environment prod, alice\): 150 of 200 pulls remaining per 6 h/m,
        describeResult(r),
      );
      assert.match(
        r.stdout,
        /^warning: Docker Hub quota \(environment ci, throttled\): 0 of 200 pulls remaining/m,
        describeResult(r),
      );
      assert.doesNotMatch(
        r.stdout,
        /environment default\)/,
        'environments without a Docker Hub credential are not queried',
      );
    });

    test('a deactivated credential is not used', async () => {
      const off = await purserCli(['vault', 'deactivate', 'docker.io', '--env', 'prod'], { env: env() });
      assert.equal(off.code, 0, describeResult(off));
      const r = await purserCli(['ratelimit', '--env', 'prod', '--json'], { env: env() });
      assert.equal(r.code, 0, describeResult(r));
      const out = JSON.parse(r.stdout);
      assert.equal(out.rate.authenticated, false);
      assert.match(out.anonymousReason, /deactivated/);
      const on = await purserCli(['vault', 'activate', 'docker.io', '--env', 'prod'], { env: env() });
      assert.equal(on.code, 0, describeResult(on));
    });
  });
});
