import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AuditEntry } from './audit-entry.ts';
import { type BatchAuditSink, BufferedAudit } from './buffered-audit.ts';

function recordingSink(): BatchAuditSink & { batches: AuditEntry[][] } {
  const batches: AuditEntry[][] = [];
  return {
    batches,
    async record(entry) {
      batches.push([entry]);
    },
    async recordMany(entries) {
      batches.push([...entries]);
    },
  };
}

const entry = (actor: string): AuditEntry => ({
  action: 'token.issue',
  actor,
  actorKind: 'user',
  outcome: 'success',
});

test('a lone entry is written within intervalMs, stamped with the time it was recorded', async () => {
  const sink = recordingSink();
  const audit = new BufferedAudit(sink, { intervalMs: 20 });
  const before = Date.now();
  audit.record(entry('alice'));
  assert.equal(sink.batches.length, 0, 'not written on the request path');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(sink.batches.length, 1);
  const written = sink.batches[0]![0]!;
  assert.equal(written.actor, 'alice');
  assert.ok(written.time !== undefined && written.time >= before && written.time <= Date.now());
});

test('a full batch is written after the current I/O turn, long before the interval', async () => {
  const sink = recordingSink();
  const audit = new BufferedAudit(sink, { intervalMs: 60_000, batchSize: 10 });
  for (let i = 0; i < 10; i++) audit.record(entry(`u${i}`));
  assert.equal(sink.batches.length, 0);
  await nextTurn();
  await nextTurn();
  assert.deepEqual(
    sink.batches.flat().map((e) => e.actor),
    Array.from({ length: 10 }, (_, i) => `u${i}`),
  );
  await audit.flush();
});

test('flush writes everything queued, a large backlog in slices, in order', async () => {
  const sink = recordingSink();
  const audit = new BufferedAudit(sink, { intervalMs: 60_000, batchSize: 100_000 });
  for (let i = 0; i < 600; i++) audit.record(entry(`u${i}`));
  await audit.flush();
  assert.deepEqual(
    sink.batches.map((b) => b.length),
    [250, 250, 100],
  );
  assert.equal(sink.batches.flat()[599]!.actor, 'u599');
  await audit.flush();
  assert.equal(sink.batches.length, 3, 'nothing is written twice');
});

test('past maxQueue the oldest entries are dropped and counted', async () => {
  const sink = recordingSink();
  const audit = new BufferedAudit(sink, { intervalMs: 60_000, batchSize: 100_000, maxQueue: 3 });
  for (let i = 0; i < 5; i++) audit.record(entry(`u${i}`));
  await audit.flush();
  assert.equal(audit.dropped, 2);
  assert.deepEqual(
    sink.batches.flat().map((e) => e.actor),
    ['u2', 'u3', 'u4'],
  );
});

test('a failing sink reports the error and later batches still go through', async () => {
  const errors: unknown[] = [];
  let fail = true;
  const written: AuditEntry[] = [];
  const audit = new BufferedAudit(
    {
      async record() {},
      async recordMany(entries) {
        if (fail) throw new Error('disk full');
        written.push(...entries);
      },
    },
    { intervalMs: 60_000, onError: (error) => errors.push(error) },
  );
  audit.record(entry('lost'));
  await audit.flush();
  fail = false;
  audit.record(entry('kept'));
  await audit.flush();
  assert.equal(errors.length, 1);
  assert.deepEqual(
    written.map((e) => e.actor),
    ['kept'],
  );
});
