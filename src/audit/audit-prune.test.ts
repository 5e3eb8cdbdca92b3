import assert from 'node:assert/strict';
import { test } from 'node:test';
import { removeTempDir, tempDir } from '../../test/support/temp.ts';
import { openDatabase } from '../store/database.ts';
import { AuditLog } from './audit-log.ts';
import { pruneAudit } from './audit-prune.ts';

const MIN = 60_000;
const NOW = 1_800_000_000_000 - (1_800_000_000_000 % MIN);

test('prune: repeated grants of a finished minute become one counted row; retention and max_rows delete the oldest', async (t) => {
  const dir = tempDir('purser-prune-');
  t.after(() => removeTempDir(dir));
  const handle = await openDatabase({ dataDir: dir });
  t.after(() => handle.close());
  const log = new AuditLog(handle.db, { rows: handle.rows });
  const grant = (time: number, actor = 'alice') =>
    ({
      action: 'token.issue',
      actor,
      actorKind: 'user',
      outcome: 'success',
      service: 'registry.test',
      sourceAddress: '10.0.0.1',
      details: { requested: ['repository:team/web:pull'], granted: ['repository:team/web:pull'] },
      time,
    }) as const;
  // Two batches (as the journal writes them) of one minute, and one grant of another principal.
  await log.recordMany([grant(NOW - 5 * MIN + 1_000), grant(NOW - 5 * MIN + 2_000)]);
  await log.recordMany([grant(NOW - 5 * MIN + 30_000), grant(NOW - 5 * MIN + 40_000, 'bob')]);
  // The current minute is not compacted yet; an old login expires.
  await log.recordMany([grant(NOW + 1_000), grant(NOW + 2_000)]);
  await log.recordMany([
    { action: 'login', actor: 'carol', actorKind: 'user', outcome: 'success', time: NOW - 400 * 86_400_000 },
  ]);
  const before = await log.query({ action: 'token.issue' });
  assert.equal(before.total, 4, 'batch-time compaction already merged rows of one batch');

  const summary = await pruneAudit(handle.db, { retentionDays: 30, maxRows: 1_000 }, { now: NOW + 5_000 });
  assert.deepEqual(summary, { compacted: 1, expired: 1, trimmed: 0, remaining: 3 });
  const page = await log.query({ principal: 'alice', action: 'token.issue' });
  const old = page.entries.find((e) => e.time === new Date(NOW - 5 * MIN + 1_000).toISOString());
  assert.ok(old, JSON.stringify(page.entries));
  assert.equal(old.count, 3, 'every grant counted');
  assert.equal(old.last_time, new Date(NOW - 5 * MIN + 30_000).toISOString());
  const current = page.entries.find((e) => e.time === new Date(NOW + 1_000).toISOString());
  assert.equal(current?.count, 2);
  assert.equal(current?.last_time, new Date(NOW + 2_000).toISOString());
  // Each minute is compacted once; a second run changes nothing.
  assert.deepEqual(await pruneAudit(handle.db, { retentionDays: 30, maxRows: 1_000 }, { now: NOW + 5_000 }), {
    compacted: 0,
    expired: 0,
    trimmed: 0,
    remaining: 3,
  });
  const progress: string[] = [];
  const trimmed = await pruneAudit(
    handle.db,
    { retentionDays: 30, maxRows: 2 },
    { now: NOW + 5_000, chunk: 1, onProgress: (phase, done) => progress.push(`${phase}:${done}`) },
  );
  assert.equal(trimmed.trimmed, 1);
  assert.equal(trimmed.remaining, 2);
  assert.ok(progress.includes('trim:1'), progress.join(' '));
  const left = await log.query({});
  assert.deepEqual(
    left.entries.map((e) => e.time),
    [new Date(NOW + 1_000).toISOString(), new Date(NOW - 5 * MIN + 40_000).toISOString()],
    'the oldest rows went first',
  );
});
