/**
 * The token endpoint through a real listening server: GET and POST forms, error shapes,
 * refresh tokens, throttling, chunked bodies, and logs that never carry a secret.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { LOCAL_ADMINISTRATOR } from '../../src/app/caller.ts';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { parseConfig } from '../../src/config/load.ts';
import { hashPassword } from '../../src/identity/password.ts';
import { REDACTED_PATHS, type RunningServer, startServer } from '../../src/server/serve.ts';
import { modelWriters } from '../../src/store/writers/model-writers.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const CONFIG = (dataDir: string) => `
listen: 127.0.0.1:0
data: ${dataDir}
token: { issuer: purser, lifetime: 120 }
users:
  - { name: alice, password: alice-pw, groups: [dev, ops], privileges: [puller, pusher] }
  - { name: bob, password: bob-pw, groups: [dev], privileges: [puller] }
  - { name: root, password: root-pw, admin: true }
  - { name: dave, password: dave-pw, groups: [dev], privileges: [puller] }
robots:
  - { name: ci+old, secret: old-secret, repositories: ["team/*"], permission: admin, expires: 2099-01-01 }
registries:
  - { service: registry.test, url: "http://127.0.0.1:5999", publications: [dev], responsibles: [ops] }
`;

describe('/token', () => {
  let dataDir: string;
  let server: RunningServer;
  let logText = '';
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const claims = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      sub: string;
      aud: string;
      access: { type: string; name: string; actions: string[] }[];
    };

  before(async () => {
    dataDir = tempDir('purser-token-route-');
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logText += chunk.toString();
        done();
      },
    });
    const logger = pino({ level: 'trace', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    server = await startServer(parseConfig(CONFIG(dataDir), undefined, { PURSER_ADMIN_PASSWORD: 'x' }), {
      logger,
      announce: () => {},
    });
  });
  after(async () => {
    await server?.close();
    removeTempDir(dataDir);
  });

  const get = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/token?${query}`, { headers });
  const post = (body: string) =>
    fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  test('GET: the grant is the intersection per resource, merged, with empty entries', async () => {
    const response = await get(
      'service=registry.test&scope=repository:team/app:pull&scope=repository:team/app:push%20repository:other/x:pull,push,delete&scope=repository:users/bob/x:pull&scope=unknown:foo:bar',
      { authorization: basic('bob', 'bob-pw') },
    );
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.token, body.access_token);
    assert.equal(body.expires_in, 120);
    assert.equal(typeof body.issued_at, 'string');
    assert.equal(body.refresh_token, undefined);
    assert.deepEqual(claims(body.token as string).access, [
      { type: 'repository', name: 'team/app', actions: ['pull'] },
      { type: 'repository', name: 'other/x', actions: ['pull'] },
      { type: 'repository', name: 'users/bob/x', actions: ['pull'] },
    ]);
  });

  test('GET without scope gives a token (skopeo login) and without credentials an anonymous one', async () => {
    const login = await get('account=alice&service=registry.test', {
      authorization: basic('alice', 'alice-pw'),
    });
    assert.deepEqual(claims(((await login.json()) as { token: string }).token).access, []);
    const anonymous = await get('service=registry.test&scope=repository:team/app:pull');
    const token = ((await anonymous.json()) as { token: string }).token;
    assert.equal(claims(token).sub, '');
    assert.deepEqual(claims(token).access, [{ type: 'repository', name: 'team/app', actions: [] }]);
  });

  test('a requested * means every allowed action; catalog needs admin', async () => {
    const alice = await get('service=registry.test&scope=repository:team/app:*&scope=registry:catalog:*', {
      authorization: basic('alice', 'alice-pw'),
    });
    assert.deepEqual(claims(((await alice.json()) as { token: string }).token).access, [
      { type: 'repository', name: 'team/app', actions: ['pull', 'push', 'delete'] },
      { type: 'registry', name: 'catalog', actions: [] },
    ]);
    const root = await get('service=registry.test&scope=registry:catalog:*', {
      authorization: basic('root', 'root-pw'),
    });
    assert.deepEqual(claims(((await root.json()) as { token: string }).token).access, [
      { type: 'registry', name: 'catalog', actions: ['*'] },
    ]);
  });

  test('GET errors: bad credentials 401 with a Basic challenge; unknown and missing service 400', async () => {
    const bad = await get('service=registry.test', { authorization: basic('alice', 'wrong') });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('www-authenticate'), 'Basic realm="purser"');
    assert.deepEqual(await bad.json(), { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
    const unknownUser = await get('service=registry.test', { authorization: basic('nobody', 'wrong') });
    assert.equal(unknownUser.status, 401);
    assert.deepEqual(
      await unknownUser.json(),
      { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] },
      'no user enumeration',
    );
    const unknown = await get('service=nowhere', { authorization: basic('alice', 'alice-pw') });
    assert.equal(unknown.status, 400);
    assert.match(
      ((await unknown.json()) as { errors: { message: string }[] }).errors[0]!.message,
      /unknown service "nowhere"/,
    );
    assert.equal((await get('', { authorization: basic('alice', 'alice-pw') })).status, 400);
    const garbage = await get('service=registry.test&scope=repository:BAD NAME:pull', {
      authorization: basic('alice', 'alice-pw'),
    });
    assert.equal(garbage.status, 400);
    const mismatch = await get('service=registry.test&account=bob', {
      authorization: basic('alice', 'alice-pw'),
    });
    assert.equal(mismatch.status, 400);
  });

  test('an expired robot cannot log in', async () => {
    // A new robot cannot be created expired; an existing one expires when its date passes.
    await server.runtime.services.robots.update({ principal: LOCAL_ADMINISTRATOR }, 'ci+old', {
      expiresAt: Date.parse('2020-01-01T23:59:59Z'),
    });
    const response = await get('service=registry.test&scope=repository:team/app:pull', {
      authorization: basic('ci+old', 'old-secret'),
    });
    assert.equal(response.status, 401);
  });

  test('offline_token gives a refresh token; POST refresh returns the same one and a scope', async () => {
    const login = await get('account=alice&client_id=docker&offline_token=true&service=registry.test', {
      authorization: basic('alice', 'alice-pw'),
    });
    const { refresh_token: refreshToken } = (await login.json()) as { refresh_token: string };
    assert.ok(refreshToken && refreshToken.length >= 32);
    const refreshed = await post(
      `client_id=registry-client&grant_type=refresh_token&refresh_token=${refreshToken}&scope=repository:team/app:pull,push&service=registry.test`,
    );
    assert.equal(refreshed.status, 200);
    const body = (await refreshed.json()) as Record<string, string>;
    assert.equal(body.refresh_token, refreshToken);
    assert.equal(body.scope, 'repository:team/app:pull,push');
    assert.equal(claims(body.access_token!).sub, 'alice');
    const otherService = await post(
      `grant_type=refresh_token&refresh_token=${refreshToken}&service=purser&client_id=x`,
    );
    assert.equal(otherService.status, 401, 'a refresh token is good for its service only');
    const unknown = await post(
      'grant_type=refresh_token&refresh_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&service=registry.test&client_id=x',
    );
    assert.equal(unknown.status, 401);
    assert.deepEqual(await unknown.json(), {
      error: 'invalid_grant',
      error_description: 'authentication required',
    });
  });

  test('POST password grant (containerd), with a chunked body and no Content-Length', async () => {
    const body =
      'client_id=containerd-client&grant_type=password&username=bob&password=bob-pw&scope=repository%3Ateam%2Fapp%3Apull&service=registry.test';
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        `${server.url}/token`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
        },
        (response) => {
          let data = '';
          response.on('data', (chunk) => {
            data += chunk;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text: data }));
        },
      );
      request.on('error', reject);
      request.write(body.slice(0, 40));
      request.end(body.slice(40));
    });
    assert.equal(status, 200, text);
    const parsed = JSON.parse(text) as Record<string, string>;
    assert.ok(parsed.access_token, 'containerd needs access_token');
    assert.equal(parsed.scope, 'repository:team/app:pull');
    assert.equal(parsed.refresh_token, undefined);
    const bad = await post(
      'grant_type=password&username=bob&password=nope&service=registry.test&client_id=c',
    );
    assert.equal(bad.status, 401, 'never 403 or 5xx: containerd falls back to GET on 401');
    const unsupported = await post('grant_type=authorization_code&service=registry.test');
    assert.equal(unsupported.status, 400);
    assert.equal(((await unsupported.json()) as { error: string }).error, 'unsupported_grant_type');
  });

  test('failed attempts are throttled per account', async () => {
    for (let i = 0; i < 10; i++)
      await get('service=registry.test', { authorization: basic('throttled', `wrong-${i}`) });
    const blocked = await get('service=registry.test', { authorization: basic('throttled', 'wrong') });
    assert.equal(blocked.status, 429);
    const other = await get('service=registry.test', { authorization: basic('bob', 'bob-pw') });
    assert.equal(other.status, 200, 'other accounts are not affected');
  });

  test('health and JWKS', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: 'ok' });
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string; kty: string; crv: string; d?: string }[];
    };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]!.kid, server.runtime.authority.issuer.kid);
    assert.equal(jwks.keys[0]!.crv, 'P-256');
    assert.equal(jwks.keys[0]!.d, undefined, 'no private part');
  });

  test('a refresh token dies when its user changes password, even right after use', async () => {
    const login = await get('service=registry.test&offline_token=true&client_id=docker', {
      authorization: basic('dave', 'dave-pw'),
    });
    const { refresh_token: refreshToken } = (await login.json()) as { refresh_token: string };
    const form = `grant_type=refresh_token&refresh_token=${refreshToken}&service=registry.test&client_id=docker`;
    assert.equal((await post(form)).status, 200);
    await modelWriters(server.runtime.db).users.upsert({
      name: 'dave',
      passwordHash: await hashPassword('new-pw'),
    });
    await server.runtime.authority.refresh();
    assert.equal((await post(form)).status, 401);
  });

  test('logins and issued tokens are audited with requested vs granted access', async () => {
    await get('service=registry.test&scope=repository:team/audited:pull,push', {
      authorization: basic('bob', 'bob-pw'),
    });
    await get('service=registry.test', { authorization: basic('bob', 'not-bobs') });
    await server.runtime.audit.flush();
    const log = new AuditLog(server.runtime.db);
    const issued = await log.query({ principal: 'bob', action: 'token.issue' });
    const entry = issued.entries.find((e) => JSON.stringify(e).includes('team/audited'));
    assert.ok(entry, 'the token is in the audit log');
    const text = JSON.stringify(entry);
    assert.match(text, /repository:team\/audited:pull,push/, 'requested access');
    assert.match(text, /repository:team\/audited:pull(?!,push)/, 'granted access');
    const logins = await log.query({ principal: 'bob', action: 'login' });
    const outcomes = new Set(logins.entries.map((e) => e.outcome));
    assert.ok(outcomes.has('success') && outcomes.has('failure'), `login outcomes: ${[...outcomes]}`);
    assert.ok(!JSON.stringify(logins).includes('not-bobs'), 'no password in the audit log');
  });

  test('logs never contain a password, secret, token or Authorization header', async () => {
    const response = await get('service=registry.test&offline_token=true', {
      authorization: basic('alice', 'alice-pw'),
    });
    const body = (await response.json()) as { token: string; refresh_token: string };
    await get('service=registry.test', { authorization: basic('alice', 'a-wrong-password') });
    await post('grant_type=password&username=bob&password=bob-wrong-pw&service=registry.test&client_id=c');
    await server.runtime.audit.flush();
    assert.ok(logText.length > 0, 'something was logged');
    for (const secret of [
      'alice-pw',
      'a-wrong-password',
      'bob-wrong-pw',
      body.token,
      body.refresh_token,
      Buffer.from('alice:alice-pw').toString('base64'),
    ]) {
      assert.ok(!logText.includes(secret), `the log contains a secret: ${secret.slice(0, 8)}…`);
    }
  });
});
