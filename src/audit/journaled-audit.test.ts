import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { JournalMark } from '../store/row-writer.ts';
import type { AuditEntry, CountedEntry } from './audit-entry.ts';
import { AuditJournal, parseLines } from './audit-journal.ts';
import { JournaledAudit } from './journaled-audit.ts';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

function grant(time: number, actor = 'alice'): AuditEntry {
  return {
    action: 'token.issue',
    actor,
    actorKind: 'user',
    outcome: 'success',
    service: 'registry.test',
    sourceAddress: '10.0.0.1',
    details: { requested: 'repository:team/app:pull', granted: 'repository:team/app:pull' },
    time,
  };
}

class RecordingStore {
  readonly batches: { entries: CountedEntry[]; mark: JournalMark | undefined }[] = [];
  async recordMany(entries: readonly CountedEntry[], mark?: JournalMark): Promise<void> {
    this.batches.push({ entries: [...entries], mark });
  }
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'purser-journaled-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('repeated grants reach the store as one counted entry; every one is journaled in full', async (t) => {
  const journal = new AuditJournal(tempDir(t));
  const store = new RecordingStore();
  const audit = new JournaledAudit(journal, store);
  for (let i = 0; i < 100; i++) audit.record(grant(T0 + i));
  await audit.flush();
  const entries = store.batches.flatMap((b) => b.entries);
  assert.equal(entries.length, 1, 'one entry for 100 identical grants within a minute');
  assert.equal(entries[0]!.count, 100);
  assert.equal(entries[0]!.time, T0);
  assert.equal(entries[0]!.lastTime, T0 + 99);
  assert.equal(store.batches.at(-1)!.mark!.seq, 100);
  const { lines } = journal.readFrom(0);
  assert.equal(lines.length, 100);
  assert.deepEqual(lines[42]!.entry, grant(T0 + 42));
  assert.equal(audit.stats().pending, 0);
  await audit.close();
});

test('grants are merged only with identical ones of the same minute; other entries keep their order', async (t) => {
  const journal = new AuditJournal(tempDir(t));
  const store = new RecordingStore();
  const audit = new JournaledAudit(journal, store);
  audit.record(grant(T0));
  audit.record({ action: 'login', actor: 'alice', actorKind: 'user', outcome: 'success', time: T0 + 1 });
  audit.record(grant(T0 + 2, 'bob'));
  audit.record(grant(T0 + 3));
  audit.record(grant(T0 + 60_000));
  await audit.flush();
  const entries = store.batches.flatMap((b) => b.entries);
  assert.deepEqual(
    entries.map((e) => [e.action, e.actor, e.count ?? 1, e.time]),
    [
      ['token.issue', 'alice', 2, T0],
      ['login', 'alice', 1, T0 + 1],
      ['token.issue', 'bob', 1, T0 + 2],
      ['token.issue', 'alice', 1, T0 + 60_000],
    ],
  );
  // The mark covers every entry written, so a replay after a crash adds none of them again.
  assert.equal(store.batches.at(-1)!.mark!.seq, 5);
  await audit.close();
});

test('a journal line written from the cached text parses to the entry recorded', async (t) => {
  const dir = tempDir(t);
  const journal = new AuditJournal(dir);
  const audit = new JournaledAudit(journal, new RecordingStore());
  const entry = { ...grant(T0), userAgent: 'docker/27 "quoted"\n' };
  audit.record(entry);
  audit.record({ ...entry, time: T0 + 5 });
  const file = fs.readdirSync(journal.dir)[0]!;
  const { lines } = parseLines(fs.readFileSync(path.join(journal.dir, file)), 0);
  assert.deepEqual(
    lines.map((l) => l.entry),
    [entry, { ...entry, time: T0 + 5 }],
  );
  await audit.close();
});
