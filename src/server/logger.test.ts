import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, humanLine, logFormatFor } from './logger.ts';

function capture(): { stream: Writable; lines: () => string[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text.split('\n').filter(Boolean) };
}

test('JSON lines when stdout is not a terminal, human lines on one', () => {
  assert.equal(logFormatFor({ isTTY: true }), 'human');
  assert.equal(logFormatFor({}), 'json');
  assert.equal(logFormatFor({ isTTY: false }), 'json');
});

test('a key pino writes itself is renamed, never written twice; secrets redacted', () => {
  const out = capture();
  const logger = createLogger('info', { format: 'json', destination: out.stream });
  logger.info({ msg: 'theirs', time: 1, level: 'x', service: 'registry.test', password: 'hunter2' }, 'ours');
  const [line] = out.lines();
  const keys = [...(line ?? '').matchAll(/"([a-z_]+)":/g)].map((m) => m[1]);
  assert.deepEqual(keys, [...new Set(keys)], line);
  const entry = JSON.parse(line!) as Record<string, unknown>;
  assert.equal(entry.msg, 'ours');
  assert.equal(entry.msg_, 'theirs');
  assert.equal(entry.time_, 1);
  assert.equal(entry.level_, 'x');
  assert.equal(entry.service, 'registry.test');
  assert.equal(entry.password, '[redacted]');
});

test('human lines: time, level, message, then key=value', () => {
  const out = capture();
  const logger = createLogger('debug', { format: 'human', destination: out.stream });
  logger.warn({ url: 'http://127.0.0.1:5001', count: 2, note: 'two words' }, 'purser listening');
  assert.match(
    out.lines()[0] ?? '',
    /^\d{2}:\d{2}:\d{2}\.\d{3} WARN {2}purser listening url=http:\/\/127\.0\.0\.1:5001 count=2 note="two words"$/,
  );
  assert.equal(humanLine('not json'), 'not json');
});
