/**
 * Disk full, both ways, on a real runtime over SQLite:
 * - the store refuses (SQLite's own SQLITE_FULL, made real by `PRAGMA max_page_count`): the
 *   log names the real error, not "cannot rollback", the entries stay in the journal, and they
 *   are all stored once space returns;
 * - the journal cannot be written (ENOSPC through the journal's write seam): counted, logged
 *   once, kept in memory, stored; nothing torn is left in the journal.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import { openRuntime, type RuntimeOptions } from '../../src/app/compose.ts';
import { journalDir } from '../../src/audit/audit-journal.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

function options(dataDir: string, lines: string[]): RuntimeOptions {
  return {
    dataDir,
    databaseUrl: undefined,
    publicUrl: 'http://127.0.0.1:1',
    mode: 'private',
    issuer: 'purser',
    lifetime: 300,
    logger: pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
  };
}

const entry = (i: number) =>
  ({
    action: 'login',
    actor: `user-${i}`,
    actorKind: 'user',
    outcome: 'success',
    details: { pad: 'x'.repeat(200) },
  }) as const;

async function until(condition: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('SQLITE_FULL: the real error is reported, entries wait in the journal and are stored when space returns', async (t) => {
  const dataDir = tempDir('purser-disk-full-');
  t.after(() => removeTempDir(dataDir));
  const lines: string[] = [];
  const runtime = await openRuntime(options(dataDir, lines));
  try {
    const logins = () =>
      runtime.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'login')
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n));
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(runtime.db);
    // The database may not grow any more: SQLite answers SQLITE_FULL, as on a full disk.
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(runtime.db);
    for (let i = 0; i < 2_000; i++) runtime.audit.record(entry(i));
    await runtime.audit.flush();
    assert.ok((await logins()) < 2_000, 'the store refused some entries');
    const failure = lines.find((line) => line.includes('audit write to the store failed'));
    assert.ok(failure, lines.join('\n'));
    assert.match(failure, /database or disk is full/);
    assert.match(failure, /SQLITE_FULL/);
    assert.doesNotMatch(lines.join('\n'), /cannot rollback/);
    assert.equal(lines.filter((l) => l.includes('audit write to the store failed')).length, 1, 'logged once');
    assert.ok(runtime.audit.stats().pending > 0);
    for (let i = 2_000; i < 2_100; i++) runtime.audit.record(entry(i));
    // Space returns.
    await sql.raw('pragma max_page_count = 1073741823').execute(runtime.db);
    await until(async () => (await logins()) === 2_100);
    assert.equal(runtime.audit.stats().pending, 0);
    const actors = await runtime.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'login')
      .execute();
    assert.equal(new Set(actors.map((a) => a.actor)).size, 2_100, 'each entry exactly once');
  } finally {
    await runtime.close();
  }
});

test('ENOSPC on the journal: counted, logged once, kept in memory and stored; no torn line', async (t) => {
  const dataDir = tempDir('purser-journal-full-');
  t.after(() => removeTempDir(dataDir));
  const lines: string[] = [];
  let full = false;
  const runtime = await openRuntime({
    ...options(dataDir, lines),
    auditJournal: {
      write: (fd, text) => {
        if (full) {
          // A partial write, then the error: the journal must cut the torn line.
          fs.writeSync(fd, text.slice(0, 10));
          throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        }
        fs.writeSync(fd, text);
      },
    },
  });
  try {
    runtime.audit.record(entry(0));
    full = true;
    for (let i = 1; i <= 5; i++) runtime.audit.record(entry(i));
    full = false;
    runtime.audit.record(entry(6));
    await runtime.audit.flush();
    assert.equal(runtime.audit.stats().unjournaled, 5);
    assert.equal(runtime.audit.stats().lost, 0);
    const errors = lines.filter((l) => l.includes('audit journal write failed'));
    assert.equal(errors.length, 1, 'logged once per episode');
    assert.match(errors[0]!, /ENOSPC/);
    assert.ok(lines.some((l) => l.includes('audit journal writable again')));
    const stored = await runtime.db
      .selectFrom('audit_log')
      .select('actor')
      .where('action', '=', 'login')
      .execute();
    assert.equal(stored.length, 7, 'the unjournaled entries are stored too');
    const [segment] = fs.readdirSync(journalDir(dataDir));
    const text = fs.readFileSync(`${journalDir(dataDir)}/${segment}`, 'utf8');
    const journaled = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { seq: number });
    assert.deepEqual(
      journaled.map((l) => l.seq),
      [1, 2],
      'only whole lines: the torn writes were cut back',
    );
  } finally {
    await runtime.close();
  }
  assert.deepEqual(fs.readdirSync(journalDir(dataDir)), [], 'a clean stop deletes the stored segment');
});

test('at start, a dead process segment is replayed exactly once from its mark', async (t) => {
  const dataDir = tempDir('purser-replay-');
  t.after(() => removeTempDir(dataDir));
  const lines: string[] = [];
  const first = await openRuntime(options(dataDir, lines));
  const name = '1700000000000-4194999.jsonl'; // above the kernel's pid_max: never alive
  await first.db
    .insertInto('audit_journal_marks')
    .values({ journal: name, seq: 2, updated_at: Date.now() })
    .execute();
  await first.db
    .insertInto('audit_log')
    .values([1, 2].map((i) => ({ ...row(i) })))
    .execute();
  await first.close();
  fs.mkdirSync(journalDir(dataDir), { recursive: true });
  const journal = [1, 2, 3, 4].map((seq) =>
    JSON.stringify({ seq, entry: { ...entry(seq), time: 1_000 + seq } }),
  );
  // The last line was torn by the crash: it was never acknowledged.
  fs.writeFileSync(`${journalDir(dataDir)}/${name}`, `${journal.join('\n')}\n{"seq":5,"ent`);
  const second = await openRuntime(options(dataDir, lines));
  try {
    const actors = await second.db.selectFrom('audit_log').select('actor').orderBy('actor').execute();
    assert.deepEqual(
      actors.map((a) => a.actor),
      ['user-1', 'user-2', 'user-3', 'user-4'],
    );
    assert.equal(fs.existsSync(`${journalDir(dataDir)}/${name}`), false, 'the replayed segment is deleted');
    assert.equal(
      (await second.db.selectFrom('audit_journal_marks').selectAll().where('journal', '=', name).execute())
        .length,
      0,
    );
  } finally {
    await second.close();
  }
});

function row(i: number) {
  return {
    time: 1_000 + i,
    source: 'authority' as const,
    event_id: null,
    action: 'login',
    actor: `user-${i}`,
    actor_kind: 'user' as const,
    outcome: 'success' as const,
    target: null,
    service: null,
    repository: null,
    tag: null,
    digest: null,
    media_type: null,
    size: null,
    source_address: null,
    user_agent: null,
    details: null,
    last_time: null,
  };
}
