/**
 * The OIDC source against a real OpenID provider run in this process (oidc-provider): the
 * authorization-code flow with PKCE, the device flow, the loopback fallback when the provider has
 * no device endpoint, claims mapping, refresh, and CLI secrets.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Unauthorized } from '../../src/domain/errors.ts';
import { looksLikeCliSecret, MemoryCliSecretStore } from '../../src/identity/cli-secret.ts';
import { cliLogin } from '../../src/identity/sources/oidc-cli-login.ts';
import { OidcRelyingParty } from '../../src/identity/sources/oidc-relying-party.ts';
import { OidcSource } from '../../src/identity/sources/oidc-source.ts';
import { BrowserlessUser } from '../support/oidc-browser.ts';
import {
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  startOidcProvider,
  type TestProvider,
} from '../support/oidc-provider.ts';
import { secretWitness } from '../support/secret-witness.ts';

const MAPPING = { source: 'sso', usernameClaim: 'preferred_username', groupsClaim: 'groups' };
const DANA = {
  username: 'dana',
  source: 'sso',
  externalId: 'u-1001',
  groups: ['registry-devs'],
  displayName: 'Dana Scully',
  email: 'dana@example.org',
};

describe('OIDC identity source (oidc-provider)', { concurrency: false }, () => {
  let idp: TestProvider;
  let noDevice: TestProvider;
  const witness = secretWitness();
  const cliSecrets: string[] = [];
  const refreshTokens: string[] = [];
  const relyingParty = (provider: TestProvider, timeoutMs = 5_000) =>
    new OidcRelyingParty({
      issuer: provider.issuer,
      clientId: OIDC_CLIENT_ID,
      clientSecret: OIDC_CLIENT_SECRET,
      timeoutMs,
      mapping: MAPPING,
    });

  before(async () => {
    idp = await startOidcProvider();
    noDevice = await startOidcProvider({ deviceFlow: false });
  });
  after(async () => {
    await idp?.close();
    await noDevice?.close();
  });

  test('code flow with PKCE: the browser comes back, claims become the identity', async () => {
    const rp = relyingParty(idp);
    const { url, pending } = await rp.beginAuthorization({
      redirectUri: 'http://127.0.0.1:5001/sso/callback',
    });
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('state'), pending.state);
    assert.equal(url.searchParams.get('nonce'), pending.nonce);
    assert.match(url.searchParams.get('scope') ?? '', /^openid profile email groups$/);
    const callback = await new BrowserlessUser('u-1001', idp.issuer).authorize(url);
    assert.equal(callback.pathname, '/sso/callback');
    const login = await rp.finishAuthorization(callback, pending);
    witness.see(login);
    assert.deepEqual(login.identity, DANA);
  });

  test('the exchange fails on a wrong PKCE verifier, a wrong state, or an expired login', async () => {
    const rp = relyingParty(idp);
    const attempt = async () => {
      const begun = await rp.beginAuthorization({ redirectUri: 'http://127.0.0.1:5001/sso/callback' });
      const callback = await new BrowserlessUser('u-1001', idp.issuer).authorize(begun.url);
      return { ...begun, callback };
    };
    const a = await attempt();
    await assert.rejects(
      rp.finishAuthorization(a.callback, {
        ...a.pending,
        codeVerifier: `${a.pending.codeVerifier.slice(1)}x`,
      }),
      (error: unknown) => {
        witness.see(error);
        return (
          error instanceof Unauthorized && /refused the code exchange: invalid_grant/.test(error.message)
        );
      },
    );
    const b = await attempt();
    await assert.rejects(
      rp.finishAuthorization(b.callback, { ...b.pending, state: 'another-state' }),
      (error: unknown) => {
        witness.see(error);
        return error instanceof Unauthorized;
      },
    );
    const c = await attempt();
    await assert.rejects(
      rp.finishAuthorization(c.callback, c.pending, c.pending.expiresAt + 1),
      /took too long/,
    );
  });

  test('device flow for `purser login --sso`, then refresh sees group changes', async () => {
    const rp = relyingParty(idp);
    const shown: string[] = [];
    const { flow, login } = await cliLogin(
      rp,
      {
        showDeviceCode: (device) => {
          shown.push(device.userCode);
          // The person approves on another device while the CLI polls.
          void new BrowserlessUser('u-1001', idp.issuer).approveDevice(device.verificationUriComplete!);
        },
        openBrowser: () => assert.fail('the device flow opens no browser'),
      },
      { timeoutMs: 20_000 },
    );
    witness.see(login);
    assert.equal(flow, 'device');
    assert.equal(shown.length, 1);
    assert.deepEqual(login.identity, DANA);
    assert.ok(login.refreshToken, 'offline_access gives a refresh token for sync');

    idp.accounts.get('u-1001')!.groups = ['registry-devs', 'registry-pushers'];
    const refreshed = await rp.refresh(login.refreshToken);
    assert.deepEqual(refreshed.identity.groups, ['registry-devs', 'registry-pushers']);
    idp.accounts.get('u-1001')!.groups = ['registry-devs'];
  });

  test('without a device endpoint, the CLI falls back to a loopback redirect', async () => {
    const rp = relyingParty(noDevice);
    assert.equal(await rp.supportsDeviceFlow(), false);
    const { flow, login } = await cliLogin(
      rp,
      {
        showDeviceCode: () => assert.fail('no device flow here'),
        openBrowser: async (url) => {
          const redirectUri = new URL(url.searchParams.get('redirect_uri')!);
          assert.equal(redirectUri.hostname, '127.0.0.1');
          const forged = await fetch(new URL('?code=x&state=forged', redirectUri));
          assert.equal(forged.status, 400, 'a callback without the right state does not end the wait');
          const callback = await new BrowserlessUser('u-1002', noDevice.issuer).authorize(url);
          // The "browser" lands on the CLI's loopback listener.
          assert.equal((await fetch(callback)).status, 200);
        },
      },
      { timeoutMs: 20_000 },
    );
    assert.equal(flow, 'loopback');
    assert.deepEqual(login.identity, { username: 'erin', source: 'sso', externalId: 'u-1002', groups: [] });
  });

  test('CLI secret: shown once, checked by the source, regenerated, revoked', async () => {
    const store = new MemoryCliSecretStore();
    const sso = new OidcSource({
      name: 'sso',
      relyingParty: relyingParty(idp),
      cliSecrets: store,
      timeoutMs: 5_000,
    });
    const secret = await sso.issueCliSecret(DANA);
    cliSecrets.push(secret);
    assert.ok(looksLikeCliSecret(secret));
    assert.ok(!JSON.stringify(await store.find('sso', 'dana')).includes(secret), 'only a hash is stored');

    assert.deepEqual(await sso.authenticate('dana', secret), { outcome: 'accepted', identity: DANA });
    // One character changed (never the same one: a secret may well end in "A").
    const altered = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    assert.deepEqual(await sso.authenticate('dana', altered), { outcome: 'rejected' });
    assert.deepEqual(await sso.authenticate('frank', secret), { outcome: 'unknown' });
    assert.deepEqual(await sso.authenticate('dana', ''), { outcome: 'rejected' });

    const regenerated = await sso.issueCliSecret(DANA);
    cliSecrets.push(regenerated);
    assert.deepEqual(await sso.authenticate('dana', secret), { outcome: 'rejected' }, 'the old one is gone');
    assert.equal((await sso.authenticate('dana', regenerated)).outcome, 'accepted');
    assert.equal(await sso.revokeCliSecret('dana'), true);
    assert.deepEqual(await sso.authenticate('dana', regenerated), { outcome: 'unknown' });
  });

  test('sync: the provider revoking the grant revokes the CLI secret', async () => {
    const store = new MemoryCliSecretStore();
    const rp = relyingParty(idp);
    const sso = new OidcSource({ name: 'sso', relyingParty: rp, cliSecrets: store, timeoutMs: 5_000 });
    const { login } = await cliLogin(
      rp,
      {
        showDeviceCode: (device) =>
          void new BrowserlessUser('u-1001', idp.issuer).approveDevice(device.verificationUriComplete!),
        openBrowser: () => assert.fail('device flow expected'),
      },
      { timeoutMs: 20_000 },
    );
    const secret = await sso.issueCliSecret(login);
    cliSecrets.push(secret);
    assert.ok(login.refreshToken, 'offline_access gives a refresh token');
    assert.equal((await store.find('sso', 'dana'))?.refreshToken, login.refreshToken, 'kept with the secret');
    const updated = await sso.sync('dana');
    assert.equal(updated.outcome, 'updated');
    witness.see(updated);
    refreshTokens.push(login.refreshToken!, (await store.find('sso', 'dana'))!.refreshToken!);
    assert.deepEqual(await sso.sync('nobody'), { outcome: 'none' });
    await idp.revokeGrants('u-1001');
    assert.deepEqual(await sso.sync('dana'), { outcome: 'revoked' });
    assert.deepEqual(await sso.authenticate('dana', secret), { outcome: 'unknown' });
  });

  test('health: discovery is checked; a provider that is gone is reported, not thrown', async () => {
    const sso = new OidcSource({
      name: 'sso',
      relyingParty: relyingParty(idp),
      cliSecrets: new MemoryCliSecretStore(),
      timeoutMs: 5_000,
    });
    const health = await sso.health();
    assert.equal(health.ok, true, health.detail);
    assert.match(health.detail, /\(device flow\)$/);
    const gone = await startOidcProvider();
    await gone.close();
    const down = new OidcSource({
      name: 'sso',
      relyingParty: relyingParty(gone, 1_000),
      cliSecrets: new MemoryCliSecretStore(),
      timeoutMs: 1_000,
    });
    const failed = await down.health();
    witness.see(failed);
    assert.equal(failed.ok, false);
    assert.match(failed.detail, /did not answer discovery/);
    await assert.rejects(
      relyingParty(gone, 1_000).beginAuthorization({ redirectUri: 'http://127.0.0.1/callback' }),
      (error: unknown) => {
        witness.see(error);
        return (error as { code?: string }).code === 'UNAVAILABLE';
      },
    );
  });

  test('no client secret or CLI secret in anything returned', () => {
    witness.assertClean([OIDC_CLIENT_SECRET, ...cliSecrets, ...refreshTokens]);
  });
});
