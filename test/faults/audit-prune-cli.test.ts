/**
 * `purser audit prune` on a data directory: progress on stderr, a summary on stdout (and
 * --json), and `purser audit ls` showing the compact row (COUNT, first and last time).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AuditLog } from '../../src/audit/audit-log.ts';
import { openDatabase } from '../../src/store/database.ts';
import { describeResult } from '../support/proc.ts';
import { purserCli } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

test('purser audit prune compacts repeated grants, reports progress and a summary; audit ls shows COUNT', async (t) => {
  const dir = tempDir('purser-prune-cli-');
  t.after(() => removeTempDir(dir));
  const data = path.join(dir, 'data');
  const file = path.join(dir, 'purser.yaml');
  fs.writeFileSync(file, `data: ${data}\naudit: { retention_days: 30, max_rows: 5000 }\n`);
  const env = { PURSER_CONFIG: file };
  const seeded = await purserCli(['user', 'list'], { env });
  assert.equal(seeded.code, 0, describeResult(seeded));
  const handle = await openDatabase({ dataDir: data });
  const minute = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const grant = (i: number) =>
    ({
      action: 'token.issue',
      actor: 'ci',
      actorKind: 'service',
      outcome: 'success',
      service: 'registry.test',
      details: { requested: ['repository:a:pull'], granted: ['repository:a:pull'] },
      time: minute + i * 1_000,
    }) as const;
  const log = new AuditLog(handle.db, { rows: handle.rows });
  for (let i = 0; i < 12; i++) await log.recordMany([grant(i)]);
  await log.recordMany([
    { action: 'login', actor: 'old', actorKind: 'user', outcome: 'success', time: 1_000 },
  ]);
  await handle.close();

  const pruned = await purserCli(['audit', 'prune'], { env });
  assert.equal(pruned.code, 0, describeResult(pruned));
  assert.match(pruned.stderr, /audit prune: compact: 11 rows/);
  assert.match(pruned.stdout, /compacted 11 repeated token grant row\(s\), deleted 1 older than 30 days/);
  const again = await purserCli(['audit', 'prune', '--json', '--max-rows', '1000000'], { env });
  assert.equal(again.code, 0, describeResult(again));
  const summary = JSON.parse(again.stdout) as { compacted: number; max_rows: number; retention_days: number };
  assert.equal(summary.compacted, 0);
  assert.equal(summary.max_rows, 1_000_000);
  assert.equal(summary.retention_days, 30);
  const bad = await purserCli(['audit', 'prune', '--max-rows', 'lots'], { env });
  assert.equal(bad.code, 2, describeResult(bad));
  assert.match(bad.stderr, /--max-rows: expected a positive whole number, got "lots"/);

  const listed = await purserCli(['audit', 'ls', '--action', 'token.issue'], { env });
  assert.equal(listed.code, 0, describeResult(listed));
  assert.match(listed.stdout, /^TIME\s+LAST\s+COUNT\s+ACTION/);
  assert.match(listed.stdout, /\s12\s+token\.issue\s+ci\s+service/);
  const json = await purserCli(['audit', 'ls', '--action', 'token.issue', '--json'], { env });
  const page = JSON.parse(json.stdout) as { entries: { count: number; time: string; last_time: string }[] };
  assert.equal(page.entries[0]?.count, 12);
  assert.equal(page.entries[0]?.time, new Date(minute).toISOString());
  assert.equal(page.entries[0]?.last_time, new Date(minute + 11_000).toISOString());
});
