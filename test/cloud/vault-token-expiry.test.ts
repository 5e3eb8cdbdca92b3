/**
 * Expiry through the vault, in real time, with a fake ECR that issues 10-second tokens: 20
 * concurrent reads mint once; a token in use is refreshed in the background at half-life; while
 * the endpoint is down the still-valid token is served, `vault check` reports the failed refresh
 * and the audit log records it, without the token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LocalVault, openLocalVault } from '../../src/app/local-vault.ts';
import { localActor } from '../../src/vault/actor.ts';
import { checkCredentials } from '../../src/vault/check.ts';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { tempDir } from '../support/temp.ts';

const LIFETIME = 10;

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('cloud tokens through the vault expire and refresh', { timeout: 60_000 }, () => {
  let ecr: FakeEcr;
  let local: LocalVault;
  let issued = 0;
  const actor = localActor('test');

  before(async () => {
    ecr = await startFakeEcr({
      accessKeyId: 'AKIDPURSERTEST',
      region: 'eu-west-1',
      lifetimeSeconds: LIFETIME,
      password: () => `short-token-${++issued}`,
    });
    local = await openLocalVault({}, { PURSER_DATA: tempDir('purser-expiry-') });
    await local.vault.add(
      {
        address: ecr.registryHost,
        username: '',
        kind: 'ecr',
        secret: JSON.stringify({
          region: 'eu-west-1',
          accessKeyId: 'AKIDPURSERTEST',
          secretAccessKey: 'never-logged',
          endpoint: ecr.url,
        }),
      },
      actor,
    );
  });

  after(async () => {
    await local?.close();
    await ecr?.close();
  });

  test('single mint under 20 concurrent reads, refresh at half-life, the old token while down', async () => {
    const started = Date.now();
    const reads = await Promise.all(
      Array.from({ length: 20 }, () => local.vault.reveal('default', ecr.registryHost, actor, 'helper')),
    );
    assert.equal(new Set(reads.map((r) => r.secret)).size, 1);
    assert.equal(reads[0]!.secret, 'short-token-1');
    assert.equal(reads[0]!.username, 'AWS');
    assert.equal(ecr.mints, 1, 'one mint for 20 concurrent reads');
    const first = reads[0]!;
    assert.ok(first.expiresAt! - started <= LIFETIME * 1000 + 1000);
    assert.ok(Math.abs(first.refreshAt! - (first.expiresAt! - (LIFETIME * 1000) / 2)) < 1500, 'half-life');

    assert.equal((await local.vault.reveal('default', ecr.registryHost, actor)).secret, 'short-token-1');
    assert.equal(ecr.mints, 1, 'served from the cache before half-life');

    // Used since its mint, so it is refreshed in the background at half-life, unasked.
    await until('the background refresh', () => ecr.mints === 2, LIFETIME * 1000);
    assert.ok(Date.now() >= first.refreshAt! - 200, 'not before half-life');
    const second = await local.vault.reveal('default', ecr.registryHost, actor);
    assert.equal(second.secret, 'short-token-2');

    // The endpoint goes down: past the new token's half-life, the refresh fails and the
    // still-valid token is served.
    ecr.down = true;
    await sleep(Math.max(0, second.refreshAt! - Date.now()) + 300);
    const stale = await local.vault.reveal('default', ecr.registryHost, actor);
    assert.equal(stale.secret, 'short-token-2', 'the old token while the endpoint is down');
    assert.ok(Date.now() < second.expiresAt!);

    const [outcome] = await checkCredentials(local.vault, ['default'], actor, { insecure: true });
    assert.ok(
      outcome?.token?.refreshFailure,
      `vault check reports the failed refresh: ${JSON.stringify(outcome)}`,
    );
    assert.match(outcome.message, /the last refresh failed/);
    assert.doesNotMatch(outcome.message, /short-token/);

    const failures = await local.database.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'details'])
      .where('action', '=', 'credential.mint')
      .execute();
    assert.ok(
      failures.some((f) => f.outcome === 'failure'),
      'the failed refresh is audited',
    );
    assert.ok(failures.some((f) => f.outcome === 'success'));
    for (const f of failures) assert.doesNotMatch(f.details ?? '', /short-token|never-logged/);

    // Back up: the next read gets a fresh token.
    ecr.down = false;
    assert.equal((await local.vault.reveal('default', ecr.registryHost, actor)).secret, 'short-token-3');
    assert.equal(ecr.mints, 3);
  });
});
