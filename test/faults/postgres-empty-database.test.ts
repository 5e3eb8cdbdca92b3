/**
 * A used data directory (signing keys) pointed at an empty PostgreSQL database: refused, the
 * database left empty, unless initialise (`purser serve --init`); and the prune on PostgreSQL.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openRuntime, type RuntimeOptions } from '../../src/app/compose.ts';
import { pruneAudit } from '../../src/audit/audit-prune.ts';
import { AuthorityError } from '../../src/domain/errors.ts';
import { createTestDatabase, requirePostgres } from '../support/postgres.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

test('PostgreSQL: an empty database behind a used data directory is refused unless initialise', async (t) => {
  if (!(await requirePostgres(t))) return;
  const database = await createTestDatabase();
  const dataDir = tempDir('purser-pg-empty-');
  t.after(async () => {
    await database.drop();
    removeTempDir(dataDir);
  });
  fs.mkdirSync(path.join(dataDir, 'keys'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'keys', 'old.crt.pem'), 'x');
  const options: RuntimeOptions = {
    dataDir,
    databaseUrl: database.url,
    publicUrl: 'http://127.0.0.1:1',
    mode: 'private',
    issuer: 'purser',
    lifetime: 300,
  };
  await assert.rejects(openRuntime(options), (error: unknown) => {
    assert.ok(error instanceof AuthorityError);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /signing keys \(keys\/\) but PostgreSQL has no Purser database/);
    assert.match(error.message, /purser serve --init/);
    return true;
  });
  const runtime = await openRuntime({ ...options, initialise: true });
  try {
    const minute = 1_800_000_000_000 - (1_800_000_000_000 % 60_000);
    for (let i = 0; i < 3; i++)
      await runtime.auditLog.recordMany([
        { action: 'token.issue', actor: 'ci', actorKind: 'service', outcome: 'success', time: minute + i },
      ]);
    const summary = await pruneAudit(
      runtime.db,
      { retentionDays: 30, maxRows: 1_000 },
      { now: minute + 120_000 },
    );
    assert.equal(summary.compacted, 2);
    const rows = await runtime.auditLog.query({ action: 'token.issue' });
    assert.equal(rows.entries[0]?.count, 3);
  } finally {
    await runtime.close();
  }
});
