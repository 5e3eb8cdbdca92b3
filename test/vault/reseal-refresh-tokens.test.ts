/**
 * OIDC refresh tokens kept with CLI secrets are sealed with the master key (migration 010): a
 * master-key rotation re-seals them under the new key, and a sealed token copied to another
 * person's row does not open there (the AAD binds it to its row).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { StoredCliSecrets } from '../../src/app/stored-cli-secrets.ts';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { openDatabase } from '../../src/store/database.ts';
import { resealRefreshTokens } from '../../src/vault/rotate-key.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const identity = (username: string) => ({
  username,
  source: 'sso',
  externalId: `sub-${username}`,
  groups: [],
});

test('rotation re-seals refresh tokens; a token moved to another row does not open', async (t) => {
  const dir = tempDir('purser-reseal-refresh-');
  const database = await openDatabase({ dataDir: dir, url: undefined });
  t.after(async () => {
    await database.close();
    removeTempDir(dir);
  });
  const oldKey = crypto.randomBytes(32);
  const newKey = crypto.randomBytes(32);
  const before = new StoredCliSecrets(database.db, new SecretBox([oldKey]));
  for (const name of ['dana', 'erin']) {
    await before.save({
      source: 'sso',
      username: name,
      hash: 'h',
      identity: identity(name),
      issuedAt: 1,
      refreshToken: `rt-${name}-0123456789`,
    });
  }
  await before.save({
    source: 'sso',
    username: 'frank',
    hash: 'h',
    identity: identity('frank'),
    issuedAt: 1,
  });
  const raw = async (name: string) =>
    (
      await database.db
        .selectFrom('identity_cli_secrets')
        .select('refresh_token')
        .where('username', '=', name)
        .executeTakeFirstOrThrow()
    ).refresh_token;
  assert.ok(!(await raw('dana'))?.includes('rt-dana'), 'sealed at rest');
  assert.equal(await raw('frank'), null);

  assert.equal(await resealRefreshTokens(database.db, new SecretBox([newKey, oldKey])), 2);
  assert.equal(await resealRefreshTokens(database.db, new SecretBox([newKey, oldKey])), 0, 'done once');
  const after = new StoredCliSecrets(database.db, new SecretBox([newKey]));
  assert.equal(
    (await after.find('sso', 'dana'))?.refreshToken,
    'rt-dana-0123456789',
    'opens with the new key alone',
  );
  assert.equal((await after.find('sso', 'frank'))?.refreshToken, undefined);

  await database.db
    .updateTable('identity_cli_secrets')
    .set({ refresh_token: await raw('dana') })
    .where('username', '=', 'erin')
    .execute();
  assert.equal(
    (await after.find('sso', 'erin'))?.refreshToken,
    undefined,
    "dana's token does not open as erin's",
  );
});
