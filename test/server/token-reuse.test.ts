/**
 * Token reuse through a real listening server: an identical grant gets the token signed moments
 * ago (still audited per request), and any change to the access model — made through the API,
 * as an administrator would — drops it, so the next token says what is allowed now.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { parseConfig } from '../../src/config/load.ts';
import { type RunningServer, startServer } from '../../src/server/serve.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const CONFIG = (dataDir: string, reuse: boolean) => `
listen: 127.0.0.1:0
data: ${dataDir}
token: { issuer: purser, lifetime: 300, reuse: ${reuse} }
users:
  - { name: bob, password: bob-pw, groups: [dev], privileges: [puller] }
  - { name: root, password: root-pw, admin: true }
registries:
  - { service: registry.test, url: "http://127.0.0.1:5999", publications: [dev] }
`;

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    jti: string;
    access: { name: string; actions: string[] }[];
  };

async function start(reuse: boolean): Promise<{ server: RunningServer; dataDir: string }> {
  const dataDir = tempDir('purser-token-reuse-');
  const server = await startServer(
    parseConfig(CONFIG(dataDir, reuse), undefined, { PURSER_ADMIN_PASSWORD: 'x' }),
    {
      announce: () => {},
    },
  );
  return { server, dataDir };
}

async function token(
  server: RunningServer,
  scope: string,
): Promise<{ token: string; issued_at: string; expires_in: number }> {
  const response = await fetch(`${server.url}/token?service=registry.test&scope=${scope}`, {
    headers: { authorization: basic('bob', 'bob-pw') },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as { token: string; issued_at: string; expires_in: number };
}

describe('token reuse (token.reuse: true, the default)', () => {
  let server: RunningServer;
  let dataDir: string;
  before(async () => {
    ({ server, dataDir } = await start(true));
  });
  after(async () => {
    await server?.close();
    removeTempDir(dataDir);
  });

  test('an identical grant gets the same token, and each request is still audited', async () => {
    const scope = 'repository:dev/web:pull';
    const first = await token(server, scope);
    const second = await token(server, scope);
    assert.equal(second.token, first.token);
    assert.equal(second.issued_at, first.issued_at);
    assert.ok(
      second.expires_in <= first.expires_in && second.expires_in >= 240,
      `expires_in ${second.expires_in}`,
    );
    await server.runtime.audit.flush();
    const issued = await new AuditLog(server.runtime.db).query({ principal: 'bob', action: 'token.issue' });
    const forScope = issued.entries.filter((e) => JSON.stringify(e).includes('dev/web'));
    // Repeated grants are kept compactly (one row with a count per principal, scope and minute).
    const counted = forScope.reduce((n, e) => n + ((e as { count?: number }).count ?? 1), 0);
    assert.equal(counted, 2, 'both requests are in the audit log');
  });

  const patchUser = async (name: string, body: object) => {
    const response = await fetch(`${server.url}/api/v1/users/${name}`, {
      method: 'PATCH',
      headers: { authorization: basic('root', 'root-pw'), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200);
  };

  test('any change to the access model drops kept tokens, even one that leaves the grant as it was', async () => {
    const scope = 'repository:dev/api:pull';
    const before = await token(server, scope);
    await patchUser('root', { privileges: ['puller'] });
    const after = await token(server, scope);
    assert.notEqual(after.token, before.token);
    assert.deepEqual(claims(after.token).access, claims(before.token).access);
  });

  test('a change to the principal gives a token with the new grant', async () => {
    const scope = 'repository:dev/api:pull';
    const before = await token(server, scope);
    assert.deepEqual(claims(before.token).access[0]?.actions, ['pull']);
    await patchUser('bob', { privileges: [] });
    const after = await token(server, scope);
    assert.deepEqual(claims(after.token).access[0]?.actions, []);
    await patchUser('bob', { privileges: ['puller'] });
  });

  test('a key rotation drops kept tokens', async () => {
    const scope = 'repository:dev/rotated:pull';
    const before = await token(server, scope);
    const rotate = await fetch(`${server.url}/api/v1/keys/rotate`, {
      method: 'POST',
      headers: { authorization: basic('root', 'root-pw'), 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(rotate.status, 200);
    const after = await token(server, scope);
    assert.notEqual(after.token, before.token);
  });
});

describe('token.reuse: false', () => {
  test('every request gets a freshly signed token', async (t) => {
    const { server, dataDir } = await start(false);
    t.after(async () => {
      await server.close();
      removeTempDir(dataDir);
    });
    const a = await token(server, 'repository:dev/web:pull');
    const b = await token(server, 'repository:dev/web:pull');
    assert.notEqual(claims(a.token).jti, claims(b.token).jti);
  });
});
