/**
 * The RADIUS source against a real FreeRADIUS on loopback: PAP with Message-Authenticator (the
 * server is configured to drop requests without it), groups from Filter-Id, rejects, a wrong
 * shared secret, a server that is down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, type TestContext, test } from 'node:test';
import { RadiusSource, type RadiusSourceOptions } from '../../src/identity/sources/radius-source.ts';
import { hasBinary, requireBinary } from '../support/binaries.ts';
import { type FreeRadius, freeUdpPort, RADIUS_SECRET, startFreeRadius } from '../support/freeradius.ts';
import { secretWitness } from '../support/secret-witness.ts';

describe('RADIUS identity source (FreeRADIUS)', { concurrency: false }, () => {
  let server: FreeRadius | undefined;
  const witness = secretWitness();
  const source = (overrides: Partial<RadiusSourceOptions> = {}) =>
    new RadiusSource({
      name: 'otp',
      host: server!.host,
      port: server!.port,
      secret: RADIUS_SECRET,
      groupsAttribute: 'Filter-Id',
      timeoutMs: 1_000,
      ...overrides,
    });
  const ready = (t: TestContext): FreeRadius | undefined =>
    requireBinary(t, 'freeradius') ? server : undefined;

  before(async () => {
    if (hasBinary('freeradius')) server = await startFreeRadius();
  });
  after(() => server?.stop());

  test('Access-Accept: the groups are the values of the reply attribute', async (t) => {
    if (!ready(t)) return;
    const otp = source();
    const alice = await otp.authenticate('alice', 'alice-otp');
    witness.see(alice);
    assert.deepEqual(alice, {
      outcome: 'accepted',
      identity: {
        username: 'alice',
        source: 'otp',
        externalId: 'alice',
        groups: ['radius-devs', 'radius-ops'],
      },
    });
    const bob = await otp.authenticate('bob', 'bob-otp');
    assert.deepEqual(bob.outcome === 'accepted' && bob.identity.groups, []);
  });

  test('Access-Reject for a wrong password and for an unknown name alike', async (t) => {
    const radius = ready(t);
    if (!radius) return;
    const otp = source();
    for (const [name, password] of [
      ['alice', 'wrong-otp-1'],
      ['nobody', 'wrong-otp-1'],
      ['alice', ''],
    ] as const) {
      const result = await otp.authenticate(name, password);
      witness.see(result);
      assert.deepEqual(result, { outcome: 'rejected' }, `${name}/${password}`);
    }
    assert.match(radius.logs(), /Login incorrect.*\[nobody\]/);
  });

  test('a wrong shared secret: the server drops the request, the source says so within the timeout', async (t) => {
    const radius = ready(t);
    if (!radius) return;
    const otp = source({ secret: 'not-The-Secret-8' });
    const started = performance.now();
    const result = await otp.authenticate('alice', 'alice-otp');
    const elapsed = performance.now() - started;
    witness.see(result);
    assert.equal(result.outcome, 'unavailable');
    assert.match(
      result.outcome === 'unavailable' ? result.reason : '',
      /3 transmissions; a wrong shared secret/,
    );
    assert.ok(elapsed >= 950 && elapsed < 3_000, `${Math.round(elapsed)} ms`);
    assert.match(
      radius.logs(),
      /Message-Authenticator/i,
      'FreeRADIUS saw the request and refused its signature',
    );
    const health = await otp.health();
    witness.see(health);
    assert.equal(health.ok, false);
    witness.assertClean(['not-The-Secret-8']);
  });

  test('health: Status-Server is answered', async (t) => {
    if (!ready(t)) return;
    const health = await source().health();
    assert.deepEqual([health.ok, health.detail], [true, 'Status-Server answered Access-Accept']);
  });

  test('a server that is down: unavailable, never a hang', async (t) => {
    const radius = ready(t);
    if (!radius) return;
    const nowhere = source({ port: await freeUdpPort() });
    const started = performance.now();
    const result = await nowhere.authenticate('alice', 'alice-otp');
    witness.see(result);
    assert.equal(result.outcome, 'unavailable');
    assert.ok(performance.now() - started < 3_000, 'not a hang');

    await radius.stop();
    const stopped = await source().authenticate('alice', 'alice-otp');
    witness.see(stopped);
    assert.equal(stopped.outcome, 'unavailable');
  });

  test('no password or shared secret in anything returned', () => {
    witness.assertClean([RADIUS_SECRET, 'alice-otp', 'bob-otp', 'wrong-otp-1']);
  });
});
