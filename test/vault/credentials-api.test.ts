/**
 * /api/v1/environments/…/credentials through app.inject: administrators manage everything,
 * services and robots granted an environment read its secrets, others get 403 (401 anonymous),
 * every secret read lands in the audit log, and the stored secret never comes back except from
 * the audited read routes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hashPassword, hashSecret } from '../../src/identity/password.ts';
import { type ApiFixture, errorOf, openApiFixture } from '../api/fixture.ts';

const BASE = '/api/v1/environments';
const SERVICE = ['deployer', 'deployer-secret-1'] as const;
const OTHER = ['bystander', 'bystander-secret-1'] as const;
const ROBOT = ['ci+bot', 'robot-secret-12345'] as const;

describe('credential API', () => {
  let api: ApiFixture;

  before(async () => {
    api = await openApiFixture();
    await api.writers.services.upsert({ name: SERVICE[0], secretHash: hashSecret(SERVICE[1]) });
    await api.writers.services.upsert({ name: OTHER[0], secretHash: hashSecret(OTHER[1]) });
    await api.writers.robots.upsert({
      name: ROBOT[0],
      secretHash: hashSecret(ROBOT[1]),
      repositories: ['**'],
      permission: 'read',
    });
    await api.writers.users.upsert({
      name: 'carol',
      passwordHash: await hashPassword('carol-password'),
      admin: false,
      groups: ['devs'],
      privileges: [],
    });
    await api.runtime.authority.refresh();
  });
  after(async () => {
    await api?.close();
  });

  test('administrators store, list, show, edit, deactivate, activate and delete', async () => {
    const created = await api.admin('POST', `${BASE}/prod/credentials`, {
      address: 'registry.example.com:5000',
      username: 'ci',
      secret: 'api-Secret-1',
      email: 'ci@example.com',
    });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.json().address, 'registry.example.com:5000');
    assert.ok(!created.body.includes('api-Secret-1'));
    const bad = await api.admin('POST', `${BASE}/prod/credentials`, {
      address: 'https://quay.io',
      username: 'x',
      secret: 'y',
    });
    assert.equal(bad.statusCode, 400);
    assert.match(errorOf(bad).message, /without a scheme/);

    const list = await api.admin('GET', `${BASE}/prod/credentials`);
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().credentials.map((c: { address: string; allowed: boolean }) => [c.address, c.allowed]),
      [['registry.example.com:5000', true]],
    );
    assert.ok(!list.body.includes('api-Secret-1'));

    const patched = await api.admin(
      'PATCH',
      `${BASE}/prod/credentials/${encodeURIComponent('registry.example.com:5000')}`,
      { secret: 'api-Secret-2' },
    );
    assert.equal(patched.statusCode, 200, patched.body);
    const secret = await api.admin('GET', `${BASE}/prod/credentials/registry.example.com:5000/secret`);
    assert.equal(secret.json().secret, 'api-Secret-2');

    const deactivated = await api.admin(
      'POST',
      `${BASE}/prod/credentials/registry.example.com:5000/deactivate`,
    );
    assert.equal(deactivated.json().state, 'deactivated');
    const refused = await api.admin('GET', `${BASE}/prod/credentials/registry.example.com:5000/secret`);
    assert.equal(refused.statusCode, 403);
    assert.equal(errorOf(refused).message, 'registry registry.example.com:5000 is deactivated');
    assert.equal(
      (await api.admin('POST', `${BASE}/prod/credentials/registry.example.com:5000/activate`)).json().state,
      'active',
    );

    const settings = await api.admin('PUT', `${BASE}/prod/settings`, {
      defaultRegistry: 'registry.example.com:5000',
      allowlist: ['registry.example.com:5000', 'index.docker.io'],
    });
    assert.equal(settings.statusCode, 200, settings.body);
    assert.deepEqual(settings.json(), {
      name: 'prod',
      defaultRegistry: 'registry.example.com:5000',
      allowlist: ['docker.io', 'registry.example.com:5000'],
    });
    await api.admin('PUT', `${BASE}/prod/settings`, { allowlist: null });

    const deleted = await api.admin('DELETE', `${BASE}/scratch/credentials/nothing.example`);
    assert.equal(deleted.statusCode, 404);
  });

  test('granted services and robots read secrets; others are refused; reads are audited', async () => {
    await api.admin('POST', `${BASE}/staging/credentials`, {
      address: 'docker.io',
      username: 'hub',
      secret: 'hub-Secret-3',
    });
    const before = await api.call(
      'GET',
      `${BASE}/staging/credential-lookup?server=${encodeURIComponent('https://index.docker.io/v1/')}`,
      { as: SERVICE },
    );
    assert.equal(before.statusCode, 403);

    const grant = await api.admin('PUT', `${BASE}/staging/grants/service/${SERVICE[0]}`);
    assert.equal(grant.statusCode, 200, grant.body);
    assert.equal((await api.admin('PUT', `${BASE}/staging/grants/robot/${ROBOT[0]}`)).statusCode, 200);

    for (const who of [SERVICE, ROBOT]) {
      const got = await api.call(
        'GET',
        `${BASE}/staging/credential-lookup?server=${encodeURIComponent('https://index.docker.io/v1/')}`,
        { as: who },
      );
      assert.equal(got.statusCode, 200, got.body);
      assert.deepEqual(got.json(), {
        environment: 'staging',
        address: 'docker.io',
        username: 'hub',
        secret: 'hub-Secret-3',
        kind: 'basic',
        email: null,
      });
    }
    const miss = await api.call('GET', `${BASE}/staging/credential-lookup?server=quay.io`, { as: SERVICE });
    assert.equal(miss.statusCode, 404);

    // Not granted, not an administrator, or anonymous.
    assert.equal(
      (await api.call('GET', `${BASE}/staging/credentials/docker.io/secret`, { as: OTHER })).statusCode,
      403,
    );
    assert.equal(
      (
        await api.call('GET', `${BASE}/staging/credentials/docker.io/secret`, {
          as: ['carol', 'carol-password'],
        })
      ).statusCode,
      403,
    );
    assert.equal((await api.call('GET', `${BASE}/staging/credentials/docker.io/secret`)).statusCode, 401);
    assert.equal(
      (await api.call('GET', `${BASE}/prod/credentials/registry.example.com:5000/secret`, { as: SERVICE }))
        .statusCode,
      403,
      'a grant covers one environment',
    );
    // Granted principals read but do not write.
    assert.equal(
      (
        await api.call('POST', `${BASE}/staging/credentials`, {
          as: SERVICE,
          body: { address: 'x.example', username: 'u', secret: 's' },
        })
      ).statusCode,
      403,
    );

    const envs = await api.call('GET', BASE, { as: SERVICE });
    assert.deepEqual(
      envs.json().environments.map((e: { name: string }) => e.name),
      ['staging'],
    );

    await api.runtime.audit.flush();
    const rows = await api.runtime.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'credential.read')
      .execute();
    const reads = rows.map((r) => [r.actor, r.outcome, r.target]);
    assert.ok(
      reads.some(([a, o, t]) => a === SERVICE[0] && o === 'success' && t === 'credential:staging/docker.io'),
      JSON.stringify(reads),
    );
    assert.ok(
      reads.some(([a, o, t]) => a === ROBOT[0] && o === 'success' && t === 'credential:staging/docker.io'),
    );
    assert.ok(reads.some(([a, o]) => a === OTHER[0] && o === 'denied'));
    assert.ok(!JSON.stringify(rows).includes('hub-Secret-3'), 'the audit log holds no secret');

    assert.equal((await api.admin('DELETE', `${BASE}/staging/grants/service/${SERVICE[0]}`)).statusCode, 204);
    assert.equal(
      (await api.call('GET', `${BASE}/staging/credentials/docker.io/secret`, { as: SERVICE })).statusCode,
      403,
    );
  });
});
