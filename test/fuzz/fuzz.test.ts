/**
 * A bounded, seeded fuzz run (issue 11, section 5) over every operation of the OpenAPI document
 * plus /token, /notifications and /v1/search, on SQLite and on PostgreSQL. Every response must
 * be below 500, come within 2 s and carry no stack trace; the server log must hold no secret
 * and no error-level line.
 *
 * FUZZ_S sets the seconds per dialect (default 12, so the run stays well under a minute in
 * `npm test`); FUZZ_SEED replays a run. A failure prints the seed, the path and the request.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import pino from 'pino';
import { ensureNotifySecret, NOTIFY_SECRET_HEADER } from '../../src/catalog/notify-secret.ts';
import { type ApiFixture, basic, openApiFixture, ROOT } from '../api/fixture.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../support/postgres.ts';
import { type FuzzRequest, type KnownValues, operationsOf, requestFor } from './request-arbitraries.ts';

const SECONDS = Number(process.env.FUZZ_S ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const SLOW_MS = 2_000;
const STACK_TRACE = /\n\s+at [^\n]+[(:]\d+|node:internal|\/src\/[\w/-]+\.ts:\d+|node_modules\//;

class LogLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line) this.lines.push(line);
    done();
  }
}

const dialects: { name: string; open: () => Promise<TestDatabase | undefined> }[] = [
  { name: 'SQLite', open: async () => undefined },
  { name: 'PostgreSQL', open: createTestDatabase },
];

for (const dialect of dialects) {
  describe(`fuzz on ${dialect.name}`, () => {
    let database: TestDatabase | undefined;
    let fixture: ApiFixture | undefined;
    const log = new LogLines();
    const secrets: string[] = [ROOT.password];
    let known: KnownValues;

    before(async () => {
      if (dialect.name === 'PostgreSQL' && !(await postgresAvailable())) {
        if (process.env.CI) throw new Error('PostgreSQL is not reachable (CI is set)');
        return;
      }
      database = await dialect.open();
      fixture = await openApiFixture({
        ...(database ? { databaseUrl: database.url } : {}),
        logger: pino({ level: 'info' }, log),
      });
      const f = fixture;
      const seed = async (method: 'POST' | 'PUT', url: string, body: unknown) => {
        const response = await f.admin(method, url, body);
        assert.ok(response.statusCode < 300, `${url}: ${response.body}`);
        return response.json() as { secret?: string };
      };
      await seed('POST', '/api/v1/groups', { name: 'dev' });
      await seed('POST', '/api/v1/users', { name: 'alice', password: 'alice-password-1', groups: ['dev'] });
      secrets.push('alice-password-1');
      await seed('POST', '/api/v1/registries', {
        service: 'registry.test',
        url: 'http://127.0.0.1:9',
        publications: ['dev'],
        responsibles: ['dev'],
      });
      const robot = await seed('POST', '/api/v1/robots', {
        name: 'ci+builder',
        repositories: ['team/*'],
        permission: 'write',
      });
      if (robot.secret) secrets.push(robot.secret);
      const service = await seed('POST', '/api/v1/services', { name: 'build-host' });
      if (service.secret) secrets.push(service.secret);
      const vaultSecret = 'vault-secret-never-logged';
      await seed('POST', '/api/v1/environments/prod/credentials', {
        address: 'registry.example.com',
        username: 'ci',
        secret: vaultSecret,
      });
      secrets.push(vaultSecret);
      const notifySecret = await ensureNotifySecret(f.runtime.db, 'registry.test');
      secrets.push(notifySecret);
      const token = await f.app.inject({
        method: 'GET',
        url: '/token?service=purser',
        headers: { authorization: basic(ROOT.name, ROOT.password) },
      });
      const bearer = (token.json() as { token?: string }).token;
      known = {
        names: [
          'alice',
          'dev',
          'registry.test',
          'ci+builder',
          'build-host',
          'prod',
          'registry.example.com',
          'team/app',
          'robot',
          'service',
          'purser',
        ],
        authorizations: [
          ...Array.from({ length: 8 }, () => basic(ROOT.name, ROOT.password)),
          basic('alice', 'alice-password-1'),
          bearer ? `Bearer ${bearer}` : undefined,
          undefined,
          'Bearer bnVsbA.e30.AAAA',
          'Bearer a.b.c',
          'Basic !!!',
          basic('nobody', 'wrong'),
        ],
        notifyHeaders: [{ [NOTIFY_SECRET_HEADER]: notifySecret }, { [NOTIFY_SECRET_HEADER]: 'wrong' }, {}],
      };
    });
    after(async () => {
      await fixture?.close();
      await database?.drop();
    });

    test(`${SECONDS} s of requests: no 5xx, nothing slow, no stack trace, no secret in the log`, async (t) => {
      if (!fixture) {
        t.skip('PostgreSQL not reachable');
        return;
      }
      const f = fixture;
      const doc = (await f.admin('GET', '/api/v1/openapi.json')).json() as Parameters<typeof operationsOf>[0];
      const operations = operationsOf(doc);
      assert.ok(operations.length > 60, `every operation of the document (${operations.length})`);
      const request = fc.oneof(...operations.map((op) => requestFor(op, known)));
      const seen = new Set<string>();
      const statuses = new Map<number, number>();
      let sent = 0;
      const send = async (r: FuzzRequest) => {
        const started = performance.now();
        const response = await f.app.inject({
          method: r.method,
          url: r.url,
          headers: r.headers,
          remoteAddress: r.remoteAddress,
          ...(r.payload === undefined ? {} : { payload: r.payload }),
        });
        const ms = performance.now() - started;
        sent++;
        seen.add(`${r.method} ${r.url.split('/').slice(0, 4).join('/').split('?')[0]}`);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const what = `${r.method} ${r.url.slice(0, 300)} ${JSON.stringify(r.headers).slice(0, 200)} ${(r.payload ?? '').slice(0, 300)}`;
        assert.ok(
          response.statusCode < 500,
          `${response.statusCode} for ${what}: ${response.body.slice(0, 300)}`,
        );
        assert.ok(ms < SLOW_MS, `${Math.round(ms)} ms for ${what}`);
        assert.doesNotMatch(response.body, STACK_TRACE, `a stack trace for ${what}`);
      };
      // Batches of seeded samples until the time is up (fc.assert's time limit does not stop
      // generation promptly on a loaded machine); a failure names the batch seed to replay.
      const deadline = Date.now() + SECONDS * 1000;
      for (let batch = 0; Date.now() < deadline; batch++) {
        const seed = SEED + batch;
        for (const r of fc.sample(request, { seed, numRuns: 20 })) {
          if (Date.now() >= deadline) break;
          await send(r).catch((error: unknown) => {
            throw new Error(`FUZZ_SEED=${SEED} (batch seed ${seed}): ${(error as Error).message}`);
          });
        }
      }
      const errors = log.lines.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
      assert.deepEqual(errors.slice(0, 5), [], 'no error-level log line');
      for (const secret of secrets) {
        const leaked = log.lines.find((line) => line.includes(secret));
        assert.equal(leaked, undefined, `a secret in the log: ${leaked?.slice(0, 200)}`);
      }
      const histogram = [...statuses].sort((a, b) => a[0] - b[0]).map(([code, n]) => `${code}:${n}`);
      process.stdout.write(
        `# fuzz ${dialect.name}: ${sent} requests, seed ${SEED}, ${seen.size} route prefixes, ${histogram.join(' ')}\n`,
      );
      assert.ok(sent > 100, `enough requests were sent (${sent})`);
    });
  });
}
