/**
 * `purser identity sync` for OIDC people, against a real provider (oidc-provider in this
 * process): the refresh token of each person's last login is kept with their CLI secret, sealed
 * with the master key; sync redeems it, applies the mappings to the fresh groups, and revokes
 * the CLI secret of a person who left every mapped group or whose grant the provider revoked,
 * while a person still in the groups keeps working. A RADIUS source says it has nothing to sync.
 * No refresh token or CLI secret appears in the server's log lines or in any reply.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { StoredCliSecrets } from '../../src/app/stored-cli-secrets.ts';
import { parseIdentitySources } from '../../src/identity/sources/source-config.ts';
import { type ApiFixture, basic, openApiFixture } from '../api/fixture.ts';
import { BrowserlessUser } from '../support/oidc-browser.ts';
import {
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  startOidcProvider,
  type TestProvider,
} from '../support/oidc-provider.ts';
import { type SecretWitness, secretWitness } from '../support/secret-witness.ts';

const SERVICE = 'registry.test';

interface SyncReport {
  source: string;
  updated: string[];
  unchanged: string[];
  disabled: string[];
  revoked: string[];
  skipped: { name: string; reason: string }[];
  note?: string;
}

describe('identity sync refreshes OIDC people through their refresh tokens', { concurrency: false }, () => {
  let idp: TestProvider;
  let f: ApiFixture;
  let witness: SecretWitness;
  let configured: ReturnType<typeof parseIdentitySources>['sources'];
  const secrets = new Map<string, string>();
  const seen: string[] = [];

  const sso = async (step: 'begin' | 'finish', body: object) => {
    const response = await f.app.inject({
      method: 'POST',
      url: `/api/v1/identity/sso/${step}`,
      payload: body,
    });
    // The finish reply carries the new CLI secret, by design (shown once).
    if (step === 'begin') seen.push(response.body);
    return response;
  };
  const pull = async (user: string) => {
    const response = await f.app.inject({
      method: 'GET',
      url: `/token?service=${SERVICE}&scope=repository:team/web:pull`,
      headers: { authorization: basic(user, secrets.get(user)!) },
    });
    return response.statusCode;
  };
  const sync = async (source?: string): Promise<SyncReport[]> => {
    const response = await f.admin('POST', '/api/v1/identity/sync', source ? { source } : {});
    seen.push(response.body);
    assert.equal(response.statusCode, 200, response.body);
    return (response.json() as { reports: SyncReport[] }).reports;
  };
  /** A device-flow login (POST /api/v1/identity/sso) as the provider's account `sub`. */
  const login = async (sub: string) => {
    const begun = (await sso('begin', { source: 'sso' })).json() as {
      handle: string;
      verificationUriComplete: string;
    };
    const approved = new BrowserlessUser(sub, idp.issuer).approveDevice(begun.verificationUriComplete);
    const [finished] = await Promise.all([sso('finish', { handle: begun.handle }), approved]);
    assert.equal(finished.statusCode, 200, finished.body);
    const { user, secret } = finished.json() as { user: string; secret: string };
    secrets.set(user, secret);
    return user;
  };

  before(async () => {
    idp = await startOidcProvider({
      accounts: [
        { sub: 'u-1001', username: 'dana', groups: ['registry-devs'] },
        { sub: 'u-1003', username: 'gwen', groups: ['registry-devs', 'registry-pushers'] },
      ],
    });
    const parsed = parseIdentitySources([
      {
        name: 'sso',
        kind: 'oidc',
        issuer: idp.issuer,
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        groups: { 'registry-devs': 'dev' },
        privileges: { 'registry-devs': ['puller'] },
      },
      {
        // Never contacted here: sync has nothing to ask it.
        name: 'otp',
        kind: 'radius',
        address: '127.0.0.1:9',
        secret: 'radius-shared-secret',
        groups_attribute: 'Filter-Id',
        timeout: 1,
      },
    ]);
    assert.deepEqual(parsed.problems, []);
    configured = parsed.sources;
    witness = secretWitness();
    f = await openApiFixture({ identitySources: parsed.sources, logger: witness.logger });
    await f.writers.groups.upsert('dev');
    await f.writers.registries.upsert({
      service: SERVICE,
      url: 'http://127.0.0.1:5000',
      publications: ['dev'],
    });
    await f.runtime.authority.refresh();
  });
  after(async () => {
    await f?.close();
    await idp?.close();
  });

  test('a login keeps the refresh token, sealed', async () => {
    assert.equal(await login('u-1001'), 'dana');
    assert.equal(await login('u-1003'), 'gwen');
    const stored = await new StoredCliSecrets(f.runtime.db, f.runtime.box).find('sso', 'dana');
    assert.ok(stored?.refreshToken, 'the device login asked for offline_access');
    const row = await f.runtime.db
      .selectFrom('identity_cli_secrets')
      .select('refresh_token')
      .where('username', '=', 'dana')
      .executeTakeFirstOrThrow();
    assert.ok(row.refresh_token?.startsWith('v1.'), 'sealed with the master key');
    assert.ok(!row.refresh_token?.includes(stored.refreshToken));
    assert.equal(await pull('dana'), 200);
    assert.equal(await pull('gwen'), 200);
  });

  test('sync with nothing changed at the provider changes nothing; RADIUS says why it is skipped', async () => {
    const reports = await sync();
    const oidc = reports.find((r) => r.source === 'sso')!;
    assert.deepEqual(oidc.unchanged.sort(), ['dana', 'gwen']);
    assert.deepEqual([oidc.revoked, oidc.skipped], [[], []]);
    const radius = reports.find((r) => r.source === 'otp')!;
    assert.equal(radius.note, 'radius source otp: groups are refreshed at each login; nothing to sync');
    assert.equal(await pull('dana'), 200);
  });

  test('a regenerated CLI secret keeps the refresh token', async () => {
    const regenerated = await f.admin('POST', '/api/v1/users/gwen/cli-secret');
    assert.equal(regenerated.statusCode, 200, regenerated.body);
    secrets.set('gwen', (regenerated.json() as { secret: string }).secret);
    assert.equal(await pull('gwen'), 200);
    const stored = await new StoredCliSecrets(f.runtime.db, f.runtime.box).find('sso', 'gwen');
    assert.ok(stored?.refreshToken, 'kept across the regeneration');
  });

  test('a person who left every mapped group loses the CLI secret at sync; the others keep working', async () => {
    idp.accounts.get('u-1001')!.groups = ['elsewhere'];
    idp.accounts.get('u-1003')!.groups = ['registry-devs'];
    assert.equal(await pull('dana'), 200, 'nothing changes before the sync');
    const [report] = await sync('sso');
    assert.deepEqual(report?.revoked, ['dana']);
    assert.deepEqual(report?.unchanged, ['gwen']);
    assert.equal(await pull('dana'), 401, 'the old CLI secret is refused');
    assert.equal(await pull('gwen'), 200, 'a person still in the groups keeps working');
    const dana = (await f.admin('GET', '/api/v1/users/dana')).json() as { groups: string[] };
    assert.deepEqual(dana.groups, [], 'the groups follow the provider');
    assert.equal((await f.admin('GET', '/api/v1/users/dana/cli-secret')).json().exists, false);
    // A later sync has nothing to ask about her, and says so.
    const [again] = await sync('sso');
    assert.deepEqual(again?.skipped, [{ name: 'dana', reason: 'holds no CLI secret (nothing to refresh)' }]);
  });

  test('a grant the provider revoked revokes the CLI secret at sync', async () => {
    await idp.revokeGrants('u-1003');
    assert.equal(await pull('gwen'), 200, 'nothing changes before the sync');
    const [report] = await sync('sso');
    assert.deepEqual(report?.revoked, ['gwen']);
    assert.equal(await pull('gwen'), 401);
  });

  test('a login under way when a reload removes the source: 401, no secret; rebuilt: logins work', async () => {
    const begun = (await sso('begin', { source: 'sso' })).json() as {
      handle: string;
      verificationUriComplete: string;
    };
    f.runtime.prepareIdentitySources([], []).apply();
    const approved = new BrowserlessUser('u-1003', idp.issuer).approveDevice(begun.verificationUriComplete);
    const [finished] = await Promise.all([sso('finish', { handle: begun.handle }), approved]);
    assert.equal(finished.statusCode, 401, finished.body);
    assert.match(finished.body, /the identity source sso is no longer configured/);
    f.runtime.prepareIdentitySources(configured, []).apply();
    idp.accounts.get('u-1003')!.groups = ['registry-devs'];
    assert.equal(await login('u-1003'), 'gwen', 'the rebuilt source logs people in');
    assert.equal(await pull('gwen'), 200);
  });

  test('a provider that is down: sync skips its people and revokes nothing', async () => {
    idp.accounts.get('u-1001')!.groups = ['registry-devs'];
    assert.equal(await login('u-1001'), 'dana');
    await idp.close();
    const [report] = await sync('sso');
    assert.deepEqual(report?.revoked, []);
    assert.equal(report?.skipped.find((s) => s.name === 'dana')?.reason.includes('did not answer'), true);
    assert.equal(await pull('dana'), 200, 'the CLI secret still works while the provider is away');
  });

  test('no refresh token, CLI secret or client secret in the log or the replies', async () => {
    const tokens = (
      await f.runtime.db.selectFrom('identity_cli_secrets').select(['source', 'username']).execute()
    ).map((r) => r.username);
    const stored = new StoredCliSecrets(f.runtime.db, f.runtime.box);
    const refreshTokens: string[] = [];
    for (const name of tokens) {
      const token = (await stored.find('sso', name))?.refreshToken;
      if (token) refreshTokens.push(token);
    }
    assert.ok(refreshTokens.length > 0);
    for (const body of seen) witness.see(body);
    witness.assertClean([...refreshTokens, ...secrets.values(), OIDC_CLIENT_SECRET]);
  });
});
