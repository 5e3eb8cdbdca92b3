import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openChangeFeed } from './change-feed.ts';
import { openDatabase } from './database.ts';

async function bump(db: Awaited<ReturnType<typeof openDatabase>>['db'], value: string): Promise<void> {
  await db
    .insertInto('meta')
    .values({ key: 'feed_test', value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

test('SQLite: a commit of another connection is delivered, this connection’s own writes are not', async (t) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-feed-'));
  const mine = await openDatabase({ dataDir });
  const other = await openDatabase({ dataDir });
  let changes = 0;
  const feed = await openChangeFeed({
    dataDir,
    databaseUrl: undefined,
    dataVersion: mine.dataVersion,
    onChange: () => {
      changes++;
    },
  });
  t.after(async () => {
    await feed.close();
    await mine.close();
    await other.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  assert.equal(feed.kind, 'file-watch');
  // The audit trail writes this way many times a second under token load.
  for (let i = 0; i < 5; i++) {
    await bump(mine.db, `mine ${i}`);
    await sleep(30);
  }
  await sleep(150);
  assert.equal(changes, 0, 'own writes are not announced as changes elsewhere');
  await bump(other.db, 'theirs');
  for (let i = 0; i < 100 && changes === 0; i++) await sleep(20);
  assert.equal(changes, 1, 'a commit of another connection is');
});
