/**
 * Audit entries the store refuses are kept in <data>/audit/unwritten.jsonl, not lost: a
 * server's buffered audit, with the audit table gone from under it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import pino from 'pino';
import { openRuntime } from '../../src/app/compose.ts';
import { UNWRITTEN_AUDIT } from '../../src/audit/audit-pipeline.ts';
import { tempDir } from '../support/temp.ts';

test('entries the store refuses go to audit/unwritten.jsonl, and the failure is logged once', async () => {
  const dataDir = tempDir('purser-audit-fallback-');
  const lines: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
  const runtime = await openRuntime({
    dataDir,
    databaseUrl: undefined,
    publicUrl: 'http://127.0.0.1:1',
    mode: 'private',
    issuer: 'purser',
    lifetime: 300,
    logger,
  });
  try {
    runtime.audit.record({ action: 'login', actor: 'alice', actorKind: 'user', outcome: 'success' });
    await runtime.audit.flush();
    assert.equal(
      (await runtime.db.selectFrom('audit_log').select('actor').execute()).length,
      1,
      'written to the store while it accepts',
    );
    await runtime.db.schema.dropTable('audit_log').execute();
    for (const actor of ['bob', 'carol', 'dave'])
      runtime.audit.record({ action: 'token.issue', actor, actorKind: 'user', outcome: 'success' });
    await runtime.audit.flush();
    const kept = readFileSync(join(dataDir, 'audit', UNWRITTEN_AUDIT), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { actor: string; action: string; time: number });
    assert.deepEqual(
      kept.map((e) => e.actor),
      ['bob', 'carol', 'dave'],
    );
    assert.ok(kept.every((e) => e.action === 'token.issue' && typeof e.time === 'number'));
    const errors = lines.filter((line) => line.includes('audit write failed'));
    assert.equal(errors.length, 1, 'one log line for the failing batch, not one per entry');
  } finally {
    await runtime.close();
  }
});
