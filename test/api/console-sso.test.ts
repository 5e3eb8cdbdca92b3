/**
 * The console's OIDC sign-in routes (/api/v1/session/sso) without a browser: the sources the
 * sign-in page offers, and what happens when a start or a callback fails (a redirect to the
 * sign-in page, and the server's message sealed in a cookie that only Purser can open, asked
 * once). The full flow through a real provider is test/console/oidc-sign-in.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseIdentitySources } from '../../src/identity/sources/source-config.ts';
import { freePort } from '../support/ports.ts';
import { type ApiFixture, openApiFixture } from './fixture.ts';

describe('console single sign-on routes', () => {
  let f: ApiFixture;
  before(async () => {
    // An issuer nobody listens on: listing the sources never asks it; starting does.
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const parsed = parseIdentitySources([
      { name: 'corp', kind: 'oidc', display_name: 'Corp SSO', issuer, client_id: 'purser', timeout: 1 },
      { name: 'lab', kind: 'oidc', issuer, client_id: 'purser', timeout: 1 },
    ]);
    assert.deepEqual(parsed.problems, []);
    f = await openApiFixture({ identitySources: parsed.sources });
  });
  after(() => f.close());

  const cookieOf = (setCookie: string | string[] | undefined) =>
    String(setCookie ?? '')
      .split(';')[0]!
      .trim();

  test('the sign-in page learns every OIDC source and what its button says', async () => {
    const r = await f.call('GET', '/api/v1/session/sso');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), {
      sources: [
        { name: 'corp', label: 'Corp SSO' },
        { name: 'lab', label: 'lab' },
      ],
    });
  });

  test('a failed start redirects to the sign-in page; its message is sealed and asked once', async () => {
    const r = await f.call('GET', '/api/v1/session/sso/nope/start');
    assert.equal(r.statusCode, 302);
    assert.equal(r.headers.location, '/console/?sso=failed');
    const setCookie = String(r.headers['set-cookie']);
    assert.match(setCookie, /^purser_sso=v1\./, 'sealed, not readable text');
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.match(setCookie, /Path=\/api\/v1\/session\/sso/);
    assert.doesNotMatch(setCookie, /nope/);
    const asked = await f.app.inject({
      method: 'GET',
      url: '/api/v1/session/sso/failure',
      headers: { cookie: cookieOf(r.headers['set-cookie']) },
    });
    assert.deepEqual(asked.json(), { message: 'no OIDC identity source named "nope"' });
    assert.match(String(asked.headers['set-cookie']), /purser_sso=;.*Max-Age=0/);
    const again = await f.call('GET', '/api/v1/session/sso/failure');
    assert.deepEqual(again.json(), { message: null });
  });

  test('a provider that does not answer: the sign-in page says which one', async () => {
    const r = await f.call('GET', '/api/v1/session/sso/corp/start');
    assert.equal(r.statusCode, 302);
    assert.equal(r.headers.location, '/console/?sso=failed');
    const asked = await f.app.inject({
      method: 'GET',
      url: '/api/v1/session/sso/failure',
      headers: { cookie: cookieOf(r.headers['set-cookie']) },
    });
    assert.match((asked.json() as { message: string }).message, /did not answer discovery/);
  });

  test('a callback without the sealed state, or with a forged one, starts no session', async () => {
    for (const cookie of [undefined, 'purser_sso=v1.forged.a.b.c']) {
      const r = await f.app.inject({
        method: 'GET',
        url: '/api/v1/session/sso/callback?code=c&state=s',
        headers: cookie ? { cookie } : {},
      });
      assert.equal(r.statusCode, 302);
      assert.equal(r.headers.location, '/console/?sso=failed');
      assert.doesNotMatch(String(r.headers['set-cookie']), /purser_session=/);
      const asked = await f.app.inject({
        method: 'GET',
        url: '/api/v1/session/sso/failure',
        headers: { cookie: cookieOf(r.headers['set-cookie']) },
      });
      assert.match((asked.json() as { message: string }).message, /not started from this browser/);
    }
  });
});
