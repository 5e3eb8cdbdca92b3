/**
 * Console sessions through /api/v1/session (issue 14): the cookie's attributes, one answer for
 * an unknown user and a wrong password, the CSRF token on every state-changing request made with
 * the cookie, and the ends of a session (sign-out, disable, password change, idle timeout,
 * revocation by an administrator). The console's own files carry a strict CSP.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { CONSOLE_CSP, consoleRoutes } from '../../src/server/console-routes.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';
import { type ApiFixture, errorOf, openApiFixture } from './fixture.ts';

interface SignedIn {
  readonly cookie: string;
  readonly setCookie: string;
  readonly csrf: string;
}

describe('console sessions', () => {
  let f: ApiFixture;
  before(async () => {
    f = await openApiFixture();
    for (const name of ['dana', 'erin', 'fred']) {
      const created = await f.admin('POST', '/api/v1/users', { name, password: `${name}-password` });
      assert.equal(created.statusCode, 201, created.body);
    }
  });
  after(() => f.close());

  const signIn = async (username: string, password: string): Promise<SignedIn> => {
    const r = await f.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
    assert.equal(r.statusCode, 201, r.body);
    const setCookie = String(r.headers['set-cookie']);
    const body = r.json() as { csrfToken: string; account: { name: string } };
    assert.equal(body.account.name, username);
    return { cookie: setCookie.split(';')[0]!, setCookie, csrf: body.csrfToken };
  };
  const withSession = (
    s: SignedIn,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
    url: string,
    options: { csrf?: string | null; body?: object } = {},
  ) =>
    f.app.inject({
      method,
      url,
      headers: {
        cookie: s.cookie,
        ...(options.csrf === null ? {} : { 'x-purser-csrf': options.csrf ?? s.csrf }),
      },
      ...(options.body ? { payload: options.body } : {}),
    });

  test('sign-in sets an HttpOnly SameSite=Strict cookie and returns a CSRF token, never the session token', async () => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'dana', password: 'dana-password' },
    });
    assert.equal(r.statusCode, 201, r.body);
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, /^purser_session=[A-Za-z0-9_-]{40,}; Path=\/; HttpOnly; SameSite=Strict$/);
    const token = cookie.split(';')[0]!.split('=')[1]!;
    assert.ok(!r.body.includes(token), 'the session token is only in the cookie');
    const body = r.json() as {
      csrfToken: string;
      idleTimeout: number;
      account: { kind: string; name: string };
    };
    assert.match(body.csrfToken, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(body.idleTimeout, 1800);
    assert.deepEqual([body.account.kind, body.account.name], ['user', 'dana']);
    // The store keeps a hash of the token, not the token.
    const rows = await f.runtime.db.selectFrom('console_sessions').selectAll().execute();
    assert.ok(rows.length > 0);
    assert.ok(rows.every((row) => row.token_hash !== token && /^[0-9a-f]{64}$/.test(row.token_hash)));
  });

  test('an unknown user and a wrong password get the same answer', async () => {
    const wrong = await f.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'dana', password: 'not-her-password' },
    });
    const unknown = await f.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'nobody-here', password: 'not-her-password' },
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    assert.equal(wrong.body, unknown.body);
    assert.equal(errorOf(wrong).message, 'invalid username or password');
    assert.equal(wrong.headers['set-cookie'], undefined);
  });

  test('the session authenticates API calls; GET /api/v1/session gives the CSRF token again', async () => {
    const s = await signIn('dana', 'dana-password');
    const me = await withSession(s, 'GET', '/api/v1/me', { csrf: null });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal((me.json() as { name: string }).name, 'dana');
    const again = await withSession(s, 'GET', '/api/v1/session', { csrf: null });
    assert.equal(again.statusCode, 200);
    assert.equal((again.json() as { csrfToken: string }).csrfToken, s.csrf);
  });

  test('a state-changing request with the cookie but without the right CSRF token is refused', async () => {
    const s = await signIn('root', 'root-password');
    const body = { name: 'csrf-group' };
    const missing = await withSession(s, 'POST', '/api/v1/groups', { csrf: null, body });
    assert.equal(missing.statusCode, 403, missing.body);
    assert.match(errorOf(missing).message, /CSRF/);
    const wrong = await withSession(s, 'POST', '/api/v1/groups', { csrf: `${s.csrf.slice(0, -2)}xx`, body });
    assert.equal(wrong.statusCode, 403);
    const groups = await f.admin('GET', '/api/v1/groups');
    assert.ok(!groups.body.includes('csrf-group'), 'nothing was created without the token');
    const right = await withSession(s, 'POST', '/api/v1/groups', { body });
    assert.equal(right.statusCode, 201, right.body);
  });

  test('sign-out ends the session on the server and clears the cookie', async () => {
    const s = await signIn('dana', 'dana-password');
    const refused = await withSession(s, 'DELETE', '/api/v1/session', { csrf: null });
    assert.equal(refused.statusCode, 403, 'signing out also needs the CSRF token');
    const out = await withSession(s, 'DELETE', '/api/v1/session');
    assert.equal(out.statusCode, 204);
    assert.match(
      String(out.headers['set-cookie']),
      /^purser_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0/,
    );
    const after = await withSession(s, 'GET', '/api/v1/session', { csrf: null });
    assert.equal(after.statusCode, 401);
    const me = await withSession(s, 'GET', '/api/v1/me', { csrf: null });
    assert.equal(me.statusCode, 401, 'the old cookie is anonymous now');
  });

  test('disabling the user, or changing their password, ends their sessions', async () => {
    const s = await signIn('erin', 'erin-password');
    const disabled = await f.admin('PATCH', '/api/v1/users/erin', { disabled: true });
    assert.equal(disabled.statusCode, 200, disabled.body);
    assert.equal((await withSession(s, 'GET', '/api/v1/me', { csrf: null })).statusCode, 401);
    assert.equal((await f.admin('PATCH', '/api/v1/users/erin', { disabled: false })).statusCode, 200);
    assert.equal(
      (await withSession(s, 'GET', '/api/v1/me', { csrf: null })).statusCode,
      401,
      'enabling again does not bring the session back',
    );
    const t = await signIn('erin', 'erin-password');
    const changed = await f.admin('PUT', '/api/v1/users/erin/password', { password: 'erin-new-password' });
    assert.equal(changed.statusCode, 204, changed.body);
    assert.equal((await withSession(t, 'GET', '/api/v1/me', { csrf: null })).statusCode, 401);
  });

  test('a session does not open for a namesake created after the user was deleted', async () => {
    const create = () => f.admin('POST', '/api/v1/users', { name: 'gil', password: 'gil-password' });
    assert.equal((await create()).statusCode, 201);
    const s = await signIn('gil', 'gil-password');
    assert.equal((await withSession(s, 'GET', '/api/v1/me', { csrf: null })).statusCode, 200);
    assert.equal((await f.admin('DELETE', '/api/v1/users/gil')).statusCode, 204);
    // Same name, same password, credential version 1 again: only the principal id differs.
    assert.equal((await create()).statusCode, 201);
    assert.equal((await withSession(s, 'GET', '/api/v1/me', { csrf: null })).statusCode, 401);
  });

  test('a session idle for longer than the timeout has ended', async () => {
    const s = await signIn('fred', 'fred-password');
    assert.equal((await withSession(s, 'GET', '/api/v1/me', { csrf: null })).statusCode, 200);
    await f.runtime.db
      .updateTable('console_sessions')
      .set({ last_seen_at: Date.now() - 1801 * 1000 })
      .where('principal_name', '=', 'fred')
      .execute();
    assert.equal((await withSession(s, 'GET', '/api/v1/me', { csrf: null })).statusCode, 401);
    const left = await f.runtime.db
      .selectFrom('console_sessions')
      .select('token_hash')
      .where('principal_name', '=', 'fred')
      .execute();
    assert.equal(left.length, 0, 'the ended record is deleted');
  });

  test('the sweep deletes the records of idle sessions nobody came back to', async () => {
    await signIn('fred', 'fred-password');
    await f.runtime.db
      .updateTable('console_sessions')
      .set({ last_seen_at: Date.now() - 1801 * 1000 })
      .where('principal_name', '=', 'fred')
      .execute();
    assert.ok((await f.runtime.services.sessions.sweep()) >= 1);
    const left = await f.runtime.db
      .selectFrom('console_sessions')
      .select('token_hash')
      .where('principal_name', '=', 'fred')
      .execute();
    assert.equal(left.length, 0);
  });

  test('the console is told that its session ended, and may sign in again with the stale cookie', async () => {
    const s = await signIn('dana', 'dana-password');
    assert.equal((await withSession(s, 'DELETE', '/api/v1/session')).statusCode, 204);
    const search = await f.app.inject({
      method: 'GET',
      url: '/api/v1/search?q=x',
      headers: { cookie: s.cookie, 'x-purser-console': '1' },
    });
    assert.equal(search.statusCode, 401, 'not the anonymous view');
    assert.match(errorOf(search).message, /session has ended/);
    const again = await f.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { cookie: s.cookie, 'x-purser-console': '1' },
      payload: { username: 'dana', password: 'dana-password' },
    });
    assert.equal(again.statusCode, 201, again.body);
  });

  test('an administrator ends the sessions of a user; others may not', async () => {
    const s = await signIn('fred', 'fred-password');
    const byFred = await f.call('DELETE', '/api/v1/users/dana/sessions', { as: ['fred', 'fred-password'] });
    assert.equal(byFred.statusCode, 403);
    const r = await f.admin('DELETE', '/api/v1/users/fred/sessions');
    assert.equal(r.statusCode, 200, r.body);
    assert.ok((r.json() as { revoked: number }).revoked >= 1);
    assert.equal((await withSession(s, 'GET', '/api/v1/me', { csrf: null })).statusCode, 401);
  });

  test('machine accounts cannot sign in to the console', async () => {
    const robot = await f.admin('POST', '/api/v1/robots', {
      name: 'ci+bot',
      repositories: ['team/*'],
      permission: 'read',
    });
    assert.equal(robot.statusCode, 201, robot.body);
    const { secret } = robot.json() as { secret: string };
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'ci+bot', password: secret },
    });
    assert.equal(r.statusCode, 401);
    assert.equal(errorOf(r).message, 'invalid username or password');
  });

  test('the console gets no Basic challenge on a 401 (no browser password prompt)', async () => {
    const plain = await f.app.inject({ method: 'GET', url: '/api/v1/me' });
    assert.equal(plain.statusCode, 401);
    assert.ok(plain.headers['www-authenticate']);
    const fromConsole = await f.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { 'x-purser-console': '1' },
    });
    assert.equal(fromConsole.statusCode, 401);
    assert.equal(fromConsole.headers['www-authenticate'], undefined);
  });

  test('the session routes are in the OpenAPI document', async () => {
    const doc = (await f.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    assert.deepEqual(Object.keys(doc.paths['/api/v1/session'] ?? {}).sort(), ['delete', 'get', 'post']);
    assert.ok(doc.paths['/api/v1/users/{name}/sessions']?.delete);
  });
});

describe('console files', () => {
  const root = tempDir('purser-console-');
  const app = Fastify();
  before(async () => {
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Purser</title>');
    await consoleRoutes(app, root);
  });
  after(async () => {
    await app.close();
    removeTempDir(root);
  });

  test('/ redirects to /console/, which has a strict Content-Security-Policy', async () => {
    const root = await app.inject({ method: 'GET', url: '/' });
    assert.equal(root.statusCode, 302);
    assert.equal(root.headers.location, '/console/');
    const page = await app.inject({ method: 'GET', url: '/console/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>Purser/);
    assert.equal(page.headers['content-security-policy'], CONSOLE_CSP);
    assert.match(CONSOLE_CSP, /script-src 'self'(;|$)/);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval|\*/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
  });

  test('a console route the browser owns gets the page, with the same policy', async () => {
    const page = await app.inject({ method: 'GET', url: '/console/repositories/registry.test/library/app' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>Purser/);
    assert.equal(page.headers['content-security-policy'], CONSOLE_CSP);
  });
});

describe('console sessions over TLS', () => {
  let f: ApiFixture;
  before(async () => {
    f = await openApiFixture({ publicUrl: 'https://purser.example.com' });
  });
  after(() => f.close());

  test('the cookie is Secure when Purser is reached over https', async () => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'root', password: 'root-password' },
    });
    assert.equal(r.statusCode, 201, r.body);
    assert.match(String(r.headers['set-cookie']), /; HttpOnly; SameSite=Strict; Secure$/);
  });
});
