/**
 * Cloud kinds through the management API: a credential added with kind ecr and its material,
 * read back as a minted token with its expiry and half-life (the secret route and the helper's
 * lookup), minted once for both; a bad material is a 400 naming the field, never a 5xx; the
 * material is never shown.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { createTestDatabase, requirePostgres, type TestDatabase } from '../support/postgres.ts';
import { type ApiFixture, errorOf, openApiFixture } from './fixture.ts';

describe('cloud credentials through the API', () => {
  let api: ApiFixture | undefined;
  let ecr: FakeEcr;
  let database: TestDatabase | undefined;
  const base = '/api/v1/environments/prod';

  before(async () => {
    ecr = await startFakeEcr({ accessKeyId: 'AKIDAPI', region: 'eu-west-1', password: () => 'api-token' });
  });
  after(async () => {
    await api?.close();
    await database?.drop();
    await ecr?.close();
  });

  test('SQLite: add with material, read the minted token', async () => {
    api = await openApiFixture();
    await scenario(api, 1);
    await api.close();
    api = undefined;
  });

  test('PostgreSQL: the same, the cache and its lease in PostgreSQL', async (t) => {
    if (!(await requirePostgres(t))) return;
    database = await createTestDatabase();
    api = await openApiFixture({ databaseUrl: database.url });
    await scenario(api, ecr.mints + 1);
  });

  async function scenario(api: ApiFixture, mintsAfter: number): Promise<void> {
    const material = {
      region: 'eu-west-1',
      accessKeyId: 'AKIDAPI',
      secretAccessKey: 'api-secret-key',
      endpoint: ecr.url,
    };
    const bad = await api.admin('POST', `${base}/credentials`, {
      address: ecr.registryHost,
      username: '',
      kind: 'ecr',
      secret: JSON.stringify({ accessKeyId: 'AKIDAPI' }),
    });
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(errorOf(bad).message, /needs region/);

    const added = await api.admin('POST', `${base}/credentials`, {
      address: ecr.registryHost,
      username: '',
      kind: 'ecr',
      secret: JSON.stringify(material),
    });
    assert.equal(added.statusCode, 201, added.body);
    assert.doesNotMatch(added.body, /api-secret-key/);
    assert.equal((added.json() as { username: string }).username, 'AWS');

    const before = Date.now();
    const secret = await api.admin('GET', `${base}/credentials/${ecr.registryHost}/secret`);
    assert.equal(secret.statusCode, 200, secret.body);
    const body = secret.json() as { username: string; secret: string; expiresAt: number; refreshAt: number };
    assert.equal(body.username, 'AWS');
    assert.equal(body.secret, 'api-token');
    assert.ok(body.expiresAt > before + 11 * 3600_000, 'ECR tokens last 12 hours');
    assert.ok(Math.abs(body.refreshAt - (before + 6 * 3600_000)) < 60_000, 'half-life');

    const lookup = await api.admin('GET', `${base}/credential-lookup?server=https://${ecr.registryHost}`);
    assert.equal(lookup.statusCode, 200, lookup.body);
    assert.equal((lookup.json() as { secret: string }).secret, 'api-token');
    assert.equal(ecr.mints, mintsAfter, 'the server cached the token');
    // The mint is counted for the metrics, by kind; the token never appears there.
    const metrics = await api.runtime.metrics.render();
    assert.match(metrics, /^purser_cloud_token_mints_total\{kind="ecr",result="minted"\} 1$/m);
    assert.doesNotMatch(metrics, /api-token/);

    const listed = await api.admin('GET', `${base}/credentials`);
    assert.doesNotMatch(listed.body, /api-secret-key|api-token/);
  }
});
