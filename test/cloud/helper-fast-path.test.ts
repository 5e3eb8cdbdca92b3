/**
 * `docker-credential-purser get` for a cloud credential whose minted token is cached and still
 * fresh answers from the helper's read-only fast path (its read is audited to
 * `<data>/audit/vault.jsonl`, where the full vault audits to the store), with the token the full
 * vault minted. Past the token's half-life, the fast path steps aside and the full vault mints
 * afresh; a changed credential's old token is not served.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeEcr, startFakeEcr } from '../support/fake-ecr.ts';
import { describeResult } from '../support/proc.ts';
import { type VaultFixture, vaultFixture } from '../vault/vault-fixture.ts';

describe('the helper fast path for a cached cloud token', { timeout: 90_000 }, () => {
  let vault: VaultFixture;
  let ecr: FakeEcr;
  let tokens = 0;

  before(async () => {
    vault = vaultFixture();
    ecr = await startFakeEcr({
      accessKeyId: 'AKIDFAST',
      region: 'eu-west-1',
      lifetimeSeconds: 3600,
      password: () => `fast-token-${++tokens}`,
    });
    writeFileSync(join(vault.root, 'aws.secret'), 'fast-secret\n');
  });
  after(() => ecr?.close());

  const add = async () => {
    const added = await vault.cli([
      'vault',
      'add',
      ecr.registryHost,
      '--kind',
      'ecr',
      '--aws-region',
      'eu-west-1',
      '--aws-access-key-id',
      'AKIDFAST',
      '--aws-secret-access-key-file',
      join(vault.root, 'aws.secret'),
      '--aws-endpoint',
      ecr.url,
    ]);
    assert.equal(added.code, 0, describeResult(added));
  };
  const get = async () => {
    const r = await vault.helper('get', ecr.registryHost);
    assert.equal(r.code, 0, describeResult(r));
    return (JSON.parse(r.stdout) as { Username: string; Secret: string }).Secret;
  };
  /** Reads the fast path audited (the full vault audits to the store instead). */
  const fastReads = () => {
    const file = join(vault.dataDir, 'audit', 'vault.jsonl');
    if (!existsSync(file)) return 0;
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { target: string; userAgent: string })
      .filter((e) => e.target === `credential:default/${ecr.registryHost}`).length;
  };

  test('a fresh cached token is answered by the fast path', async () => {
    await add();
    assert.equal(await get(), 'fast-token-1');
    assert.equal(ecr.mints, 1);
    assert.equal(fastReads(), 0, 'the first get minted through the full vault');
    assert.equal(await get(), 'fast-token-1');
    assert.equal(await get(), 'fast-token-1');
    assert.equal(ecr.mints, 1);
    assert.equal(fastReads(), 2, 'the next gets were answered from the cached token');
  });

  test('a changed credential is not answered with its old token', async () => {
    await add(); // new material: the cached token belongs to the old version
    const before = ecr.mints;
    assert.equal(await get(), `fast-token-${before + 1}`);
    assert.equal(ecr.mints, before + 1);
  });

  test('past its half-life the full vault mints afresh', async () => {
    ecr.lifetimeSeconds = 4;
    await add();
    const first = await get();
    const minted = ecr.mints;
    const reads = fastReads();
    await sleep(2_300); // past the 2-second half-life, before the 4-second expiry
    const next = await get();
    assert.notEqual(next, first);
    assert.equal(ecr.mints, minted + 1);
    assert.equal(fastReads(), reads, 'the fast path stepped aside');
  });
});
