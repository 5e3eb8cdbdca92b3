/**
 * kill -9 under load loses no audit entry: a real `purser serve` (SQLite) answers token
 * requests from 8 clients, is killed without warning, and is started again; every token it
 * acknowledged (HTTP 200 received) has its `token.issue` entry in the store (counting compact
 * rows by their `count`), and no entry was stored twice.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { freePort } from '../support/ports.ts';
import { startPurser } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const PASSWORD = 'kill-admin-pw';
const BASIC = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;

test('kill -9 under token load: every acknowledged token is in the audit trail, once', async (t) => {
  const dir = tempDir('purser-kill-');
  t.after(() => removeTempDir(dir));
  const file = path.join(dir, 'purser.yaml');
  const port = await freePort();
  fs.writeFileSync(file, `listen: 127.0.0.1:${port}\ndata: ${dir}/data\n`);
  const server = await startPurser({ configFile: file, env: { PURSER_ADMIN_PASSWORD: PASSWORD } });
  t.after(() => server.stop());

  let acknowledged = 0;
  let sent = 0;
  let stop = false;
  const worker = async (w: number) => {
    for (let i = 0; !stop; i++) {
      sent++;
      try {
        // Distinct scopes per worker and request: a mix of repeated and distinct grants.
        const scope = `repository:team/w${w}-${i % 7}:pull`;
        const response = await fetch(`${server.url}/token?service=purser&scope=${scope}`, {
          headers: { authorization: BASIC },
        });
        await response.arrayBuffer();
        if (response.status === 200) acknowledged++;
      } catch {
        return; // the server is gone
      }
    }
  };
  const load = Array.from({ length: 8 }, (_, w) => worker(w));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  await server.kill();
  stop = true;
  await Promise.all(load);
  assert.ok(acknowledged > 100, `load was applied (${acknowledged} tokens)`);

  await server.restart();
  assert.match(server.logs(), /replayed from the journal/);
  await server.stop();
  const db = new SQLite(path.join(dir, 'data', 'purser.db'), { readonly: true });
  try {
    const { n } = db
      .prepare(`select coalesce(sum(count), 0) as n from audit_log where action = 'token.issue'`)
      .get() as { n: number };
    assert.ok(n >= acknowledged, `${n} token.issue entries stored for ${acknowledged} acknowledged tokens`);
    assert.ok(n <= sent, `${n} entries for ${sent} requests sent: nothing stored twice`);
  } finally {
    db.close();
  }
  assert.deepEqual(fs.readdirSync(path.join(dir, 'data', 'audit', 'journal')), [], 'no segment left');
});
