/**
 * Bad input never gives a 5xx (issue #11, section 1), on SQLite and PostgreSQL: each request
 * below once returned 500 or 503 (or a truncated 200) and now gets the right 4xx in Purser's
 * error envelope, without an error-level log line.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { LOCAL_ADMINISTRATOR } from '../../src/app/caller.ts';
import { ensureNotifySecret, NOTIFY_SECRET_HEADER } from '../../src/catalog/notify-secret.ts';
import { MAX_SCOPES_PER_REQUEST } from '../../src/domain/access.ts';
import { type ApiFixture, basic, openApiFixture, ROOT } from '../api/fixture.ts';
import { hasBinary, requireBinary } from '../support/binaries.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { type Registry, startRegistry } from '../support/registry.ts';

const ADMIN = { authorization: basic(ROOT.name, ROOT.password) };
const SERVICE = 'registry.test';
const NULL_HEADER_TOKEN = 'Bearer bnVsbA.e30.AAAA';
const EVENTS = 'application/vnd.docker.distribution.events.v1+json';

/** The log lines of one fixture, parsed. */
class LogLines extends Writable {
  readonly lines: { level: number; msg?: string; err?: unknown }[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(JSON.parse(line));
    done();
  }
  errors(): string[] {
    return this.lines.filter((l) => l.level >= 50).map((l) => JSON.stringify(l).slice(0, 300));
  }
}

function assertClientError(response: LightMyRequestResponse, status: number, what: string): void {
  assert.equal(response.statusCode, status, `${what}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  const body = response.json() as { errors?: { code: string; message: string }[]; error?: string };
  assert.ok(body.errors?.[0]?.code ?? body.error, `${what}: Purser's error envelope: ${response.body}`);
}

const dialects: { name: string; url: () => Promise<TestDatabase | undefined> }[] = [
  { name: 'SQLite', url: async () => undefined },
  { name: 'PostgreSQL', url: createTestDatabase },
];

for (const dialect of dialects) {
  describe(`bad input on ${dialect.name}`, () => {
    let database: TestDatabase | undefined;
    let fixture: ApiFixture;
    let registry: Registry | undefined;
    const log = new LogLines();
    let available = true;

    before(async () => {
      if (dialect.name === 'PostgreSQL' && !(await postgresAvailable())) {
        if (process.env.CI) throw new Error('PostgreSQL is not reachable (CI is set)');
        available = false;
        return;
      }
      database = await dialect.url();
      if (hasBinary('docker-registry')) registry = await startRegistry();
      fixture = await openApiFixture({
        ...(database ? { databaseUrl: database.url } : {}),
        logger: pino({ level: 'info' }, log),
      });
      const created = await fixture.admin('POST', '/api/v1/registries', {
        service: SERVICE,
        url: registry?.url ?? 'http://127.0.0.1:9',
      });
      assert.equal(created.statusCode, 201, created.body);
    });
    after(async () => {
      await fixture?.close();
      await registry?.stop();
      await database?.drop();
    });

    const inject = (
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: string,
      headers: Record<string, string> = ADMIN,
      payload?: string | object,
    ) => fixture.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });

    const guard = (t: { skip(reason: string): void }) => {
      if (!available) t.skip('PostgreSQL not reachable');
      return available;
    };

    test('a Bearer token whose JOSE header is null is 401, and /healthz ignores credentials', async (t) => {
      if (!guard(t)) return;
      const before = log.errors().length;
      const health = await inject('GET', '/healthz', { authorization: NULL_HEADER_TOKEN });
      assert.equal(health.statusCode, 200, health.body);
      const garbage = await inject('GET', '/healthz', { authorization: 'Basic %%%' });
      assert.equal(garbage.statusCode, 200, garbage.body);
      for (const url of ['/api/v1/users', '/api/v1/audit', `/api/v1/registries/${SERVICE}/catalog`]) {
        assertClientError(await inject('GET', url, { authorization: NULL_HEADER_TOKEN }), 401, url);
      }
      for (const token of ['Bearer bnVsbA.bnVsbA.AAAA', 'Bearer MQ.MQ.AAAA', 'Bearer W10.W10.AAAA']) {
        assertClientError(await inject('GET', '/api/v1/users', { authorization: token }), 401, token);
      }
      assert.deepEqual(log.errors().slice(before), [], 'no error-level log line');
    });

    test('double-encoded percent sequences in a repository name are 400', async (t) => {
      if (!guard(t)) return;
      const base = `/api/v1/registries/${SERVICE}`;
      for (const name of ['%25E0%25A4', '%25', '%25%25', 'a%25zz']) {
        for (const [method, url] of [
          ['GET', `${base}/repositories/${name}`],
          ['PATCH', `${base}/repositories/${name}`],
          ['GET', `${base}/tags/${name}`],
          ['DELETE', `${base}/tags/${name}:latest`],
          ['PUT', `${base}/stars/${name}`],
          ['DELETE', `${base}/stars/${name}`],
        ] as const) {
          const response = await inject(method, url, ADMIN, method === 'PATCH' ? {} : undefined);
          assertClientError(response, 400, `${method} ${url}`);
        }
      }
    });

    test('numbers outside their range are 400 (audit paging)', async (t) => {
      if (!guard(t)) return;
      for (const query of [
        'page=1e20',
        'page=Infinity',
        'page=1e308',
        'page=-1',
        'page=1.5',
        'page=abc',
        'per_page=1e308',
        'per_page=0',
        'since=1e400',
        'since=99999999999999999999',
      ]) {
        assertClientError(await inject('GET', `/api/v1/audit?${query}`), 400, query);
      }
      assert.equal((await inject('GET', '/api/v1/audit?page=2&per_page=10')).statusCode, 200);
      // Found by test/fuzz: a bigint column on PostgreSQL.
      for (const expiresAt of [1e300, 2 ** 63]) {
        const credential = await inject('POST', '/api/v1/environments/prod/credentials', ADMIN, {
          address: 'registry.example.com',
          username: 'ci',
          secret: 'pw',
          expiresAt,
        });
        assertClientError(credential, 400, `expiresAt ${expiresAt}`);
      }
    });

    test('the largest id taken, the next record still gets one (found by test/fuzz)', async (t) => {
      if (!guard(t)) return;
      for (const [url, extra] of [
        ['/api/v1/apps', {}],
        ['/api/v1/groups', {}],
        ['/api/v1/users', { password: 'a-long-password' }],
      ] as const) {
        const top = await inject('POST', url, ADMIN, { name: 'topmost', id: 2_147_483_647, ...extra });
        assert.equal(top.statusCode, 201, top.body);
        const next = await inject('POST', url, ADMIN, { name: 'nextone', ...extra });
        assert.equal(next.statusCode, 201, `${url}: ${next.body}`);
        assert.ok((next.json() as { id: number }).id < 2_147_483_647);
      }
    });

    test('a query parameter given twice with different values is 400 (found by test/fuzz)', async (t) => {
      if (!guard(t)) return;
      for (const url of [
        '/v1/search?q=a&q=b',
        '/v2/search?n=1&n=2',
        '/api/v1/audit?principal=a&principal=b',
      ]) {
        assertClientError(await inject('GET', url), 400, url);
      }
      assert.equal((await inject('GET', '/v1/search?q=a&q=a')).statusCode, 200);
    });

    test('POST /token takes a form body; JSON and wrong types are 400 invalid_request', async (t) => {
      if (!guard(t)) return;
      for (const payload of [
        { grant_type: 'password', service: SERVICE, username: 5, password: 'x' },
        { grant_type: 'password', service: SERVICE, username: { a: 1 }, password: ['x'] },
        { grant_type: ['password'], service: SERVICE },
      ]) {
        const response = await inject('POST', '/token', { 'content-type': 'application/json' }, payload);
        assert.equal(response.statusCode, 400, response.body);
        assert.equal((response.json() as { error: string }).error, 'invalid_request');
      }
      const form = await inject(
        'POST',
        '/token',
        { 'content-type': 'application/x-www-form-urlencoded' },
        `grant_type=password&service=${SERVICE}&username=root&password=${ROOT.password}`,
      );
      assert.equal(form.statusCode, 200, form.body);
    });

    test('deleting a tag of a repository the registry does not have is 404; bad names are 400', async (t) => {
      if (!guard(t)) return;
      const base = `/api/v1/registries/${SERVICE}`;
      for (const name of ['a%0d%0ab', 'UPPER', 'a//b', '-a', `${'a'.repeat(256)}`]) {
        assertClientError(await inject('DELETE', `${base}/tags/${name}:latest`), 400, name);
        assertClientError(
          await inject('POST', `${base}/tag-deletions`, ADMIN, { repository: decodeURIComponent(name) }),
          400,
          `tag-deletions ${name}`,
        );
      }
      assertClientError(await inject('DELETE', `${base}/tags/good/name:bad%0d%0atag`), 400, 'bad tag');
      if (!registry && !requireBinary(t, 'docker-registry')) return;
      assertClientError(await inject('DELETE', `${base}/tags/nope/never:latest`), 404, 'unknown repository');
    });

    test('a NUL byte anywhere in the request is 400, and streams start only after the query', async (t) => {
      if (!guard(t)) return;
      const before = log.errors().length;
      for (const url of [
        '/api/v1/users/a%00b',
        '/api/v1/groups/a%00b',
        '/api/v1/robots/a%00b',
        '/api/v1/apps/a%00b',
        '/api/v1/services/a%00b',
        '/api/v1/registries/a%00b',
        `/api/v1/registries/${SERVICE}/repositories/a%00b`,
        '/api/v1/audit?principal=%00',
        '/api/v1/audit/export?service=%00',
        '/api/v1/audit/usage?image=a%00b',
        '/v1/search?q=%00',
        `/token?service=${SERVICE}&scope=repository:a%00:pull`,
      ]) {
        const response = await inject('GET', url);
        assertClientError(response, 400, url);
      }
      if (database) {
        // The export's first chunk runs the first query: PostgreSQL's refusal of a NUL comes
        // before anything could be sent, not after a 200.
        const chunks = fixture.runtime.services.audit.export(
          { principal: LOCAL_ADMINISTRATOR },
          { service: '\u0000' },
          'json',
        );
        await assert.rejects(chunks.next());
      }
      const body = await inject('POST', '/api/v1/users', ADMIN, {
        name: 'a\u0000b',
        password: 'x'.repeat(12),
      });
      assertClientError(body, 400, 'NUL in a JSON body');
      const nul = await inject('GET', '/api/v1/users', { authorization: basic('ro\u0000ot', ROOT.password) });
      assertClientError(nul, 401, 'NUL in a Basic user name');
      assert.deepEqual(log.errors().slice(before), []);
    });

    test('values longer than their column are 400, on both dialects', async (t) => {
      if (!guard(t)) return;
      const long = 'a'.repeat(300);
      const huge = 'b'.repeat(1024 * 1024);
      const event = (target: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
        events: [
          {
            id: 'e1',
            action: 'push',
            timestamp: new Date().toISOString(),
            target: { repository: 'team/app', tag: 'v1', digest: `sha256:${'a'.repeat(64)}`, ...target },
            ...extra,
          },
        ],
      });
      const secret = await ensureNotifySecret(fixture.runtime.db, SERVICE);
      const headers = { 'content-type': EVENTS, [NOTIFY_SECRET_HEADER]: secret };
      for (const [what, envelope] of [
        ['repository', event({ repository: huge })],
        ['tag', event({ tag: long })],
        ['digest', event({ digest: long })],
        ['media type', event({ mediaType: long })],
        ['size', event({ size: 1e300 })],
        ['id', event({}, { id: long })],
        ['actor', event({}, { actor: { name: long } })],
        ['address', event({}, { request: { addr: `${long}:1` } })],
      ] as const) {
        const response = await inject('POST', `/notifications/${SERVICE}`, headers, JSON.stringify(envelope));
        assertClientError(response, 400, what);
      }
      const fine = await inject('POST', `/notifications/${SERVICE}`, headers, JSON.stringify(event({})));
      assert.equal(fine.statusCode, 200, fine.body);
      const patch = await inject('PATCH', `/api/v1/registries/${SERVICE}/repositories/team/app`, ADMIN, {
        description: 'x'.repeat(1001),
      });
      assertClientError(patch, 400, 'description');
      assert.deepEqual(log.errors(), []);
    });

    test('smaller: 413, Basic challenge, Fastify replies in the envelope, secret first, scope limit', async (t) => {
      if (!guard(t)) return;
      const big = await inject(
        'POST',
        '/api/v1/users',
        { ...ADMIN, 'content-type': 'application/json' },
        `{"name":"${'x'.repeat(1024 * 1024)}"}`,
      );
      assertClientError(big, 413, 'body over the limit');
      const bigToken = await inject(
        'POST',
        '/token',
        { 'content-type': 'application/x-www-form-urlencoded' },
        `a=${'x'.repeat(1024 * 1024)}`,
      );
      assert.equal(bigToken.statusCode, 413, bigToken.body);
      assert.equal((bigToken.json() as { error: string }).error, 'invalid_request');

      for (const header of ['Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`, 'Basic']) {
        const response = await inject('GET', `/token?service=${SERVICE}`, { authorization: header });
        assertClientError(response, 401, header);
        assert.match(String(response.headers['www-authenticate']), /^Basic realm=/);
      }

      const badJson = await inject(
        'POST',
        '/api/v1/users',
        { ...ADMIN, 'content-type': 'application/json' },
        '{bad',
      );
      assertClientError(badJson, 400, 'bad JSON');
      const badUrl = await inject('GET', '/api/v1/users/%E0%A4%A');
      assertClientError(badUrl, 400, 'bad URL component');
      const longParam = await inject('GET', `/api/v1/users/${'a'.repeat(2000)}`);
      assert.ok([400, 404, 414].includes(longParam.statusCode), longParam.body);
      assertClientError(longParam, longParam.statusCode, 'long parameter');

      // The secret is checked before the body is parsed: garbage with a wrong secret is 401.
      const wrong = await inject(
        'POST',
        `/notifications/${SERVICE}`,
        { 'content-type': EVENTS, [NOTIFY_SECRET_HEADER]: 'wrong' },
        '{not json',
      );
      assertClientError(wrong, 401, 'wrong secret, bad body');
      const none = await inject('POST', `/notifications/${SERVICE}`, { 'content-type': EVENTS }, '{not json');
      assertClientError(none, 401, 'no secret, bad body');

      const scopes = (n: number) =>
        Array.from({ length: n }, (_, i) => `scope=repository:team/a${i}:pull`).join('&');
      const many = await inject('GET', `/token?service=${SERVICE}&${scopes(MAX_SCOPES_PER_REQUEST + 1)}`);
      assertClientError(many, 400, 'too many scopes');
      const enough = await inject('GET', `/token?service=${SERVICE}&${scopes(MAX_SCOPES_PER_REQUEST)}`);
      assert.equal(enough.statusCode, 200, enough.body);
      const spaced = await inject(
        'POST',
        '/token',
        { 'content-type': 'application/x-www-form-urlencoded' },
        `grant_type=password&service=${SERVICE}&username=root&password=${ROOT.password}&scope=${encodeURIComponent(
          Array.from({ length: MAX_SCOPES_PER_REQUEST + 1 }, (_, i) => `repository:b${i}:pull`).join(' '),
        )}`,
      );
      assert.equal(spaced.statusCode, 400, spaced.body);
    });
  });
}

test('oversized headers and unparsable requests get the error envelope from a listening server', async () => {
  const fixture = await openApiFixture();
  try {
    const address = await fixture.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port) }, () => socket.end(request));
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString('utf8');
        });
        socket.on('end', () => resolve(text));
        socket.on('error', reject);
      });
    const big = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431 /);
    assert.match(big, /"code":"HEADERS_TOO_LARGE"/);
    const garbage = await raw('NOT HTTP AT ALL\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(garbage, /"errors":\[\{"code":"BAD_REQUEST"/);
  } finally {
    await fixture.close();
  }
});
