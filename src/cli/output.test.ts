import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BadRequest, NotFound, Unavailable } from '../domain/errors.ts';
import {
  bytes,
  ExitError,
  fields,
  isClosedPipe,
  note,
  render,
  renderTable,
  reportFailure,
  table,
  text,
} from './output.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const target = {
    stdout: {
      write: (c: string | Uint8Array) => out.push(typeof c === 'string' ? c : Buffer.from(c).toString()),
    },
    stderr: { write: (c: string | Uint8Array) => err.push(String(c)) },
  };
  return { target, out: () => out.join(''), err: () => err.join(''), writes: () => out.length };
}

describe('the CLI renderer', () => {
  test('tables align every column but the last, and are one write', () => {
    assert.equal(
      renderTable(
        ['NAME', 'ID', 'GROUPS'],
        [
          ['alice', '1', 'dev,ops'],
          ['bob', '22', ''],
        ],
      ),
      'NAME   ID  GROUPS\nalice  1   dev,ops\nbob    22\n',
    );
    const c = capture();
    render({ blocks: [table(['A'], [['1'], ['2']])] }, { json: false }, c.target);
    assert.equal(c.writes(), 1);
  });

  test('--json prints the data alone; people get the blocks, notes on stderr', () => {
    const result = { data: { name: 'bob' }, blocks: [text('name: bob'), note('created user bob')] };
    let c = capture();
    render(result, { json: true }, c.target);
    assert.equal(c.out(), '{\n  "name": "bob"\n}\n');
    assert.equal(c.err(), '');
    c = capture();
    render(result, { json: false }, c.target);
    assert.equal(c.out(), 'name: bob\n');
    assert.equal(c.err(), 'created user bob\n');
  });

  test('text gets one final newline; bytes are written as they are', () => {
    const c = capture();
    render(
      { blocks: [text('a\n'), text('b'), text(''), bytes(Buffer.from('raw'))] },
      { json: false },
      c.target,
    );
    assert.equal(c.out(), 'a\nb\nraw');
  });

  test('fields align values at the given width', () => {
    const c = capture();
    render(
      {
        blocks: [
          fields(
            [
              ['name', 'bob'],
              ['privileges', '(none)'],
            ],
            12,
          ),
        ],
      },
      { json: false },
      c.target,
    );
    assert.equal(c.out(), 'name:       bob\nprivileges: (none)\n');
  });

  test('an exit status is raised after the output, in both modes', () => {
    for (const json of [true, false]) {
      const c = capture();
      assert.throws(
        () =>
          render({ data: [], blocks: [text('x')], exit: { code: 2, message: 'bad' } }, { json }, c.target),
        (error: unknown) => error instanceof ExitError && error.exitCode === 2 && error.message === 'bad',
      );
      assert.ok(c.out().length > 0);
    }
  });

  test('failures become docs/errors.md exit codes; unexpected ones say so', () => {
    const cases: [unknown, number, RegExp][] = [
      [new BadRequest('--id must be a positive integer'), 2, /^purser: --id must/],
      [new NotFound('no user "x"'), 5, /^purser: no user/],
      [new Unavailable('cannot reach http://x'), 7, /^purser: cannot reach/],
      [new ExitError(1, '2 plaintext credential(s) found'), 1, /^purser: 2 plaintext/],
      [new TypeError('boom'), 1, /^purser: unexpected error: boom/],
    ];
    for (const [error, code, message] of cases) {
      const err: string[] = [];
      assert.equal(reportFailure(error, { write: (c: string | Uint8Array) => err.push(String(c)) }), code);
      assert.match(err.join(''), message);
    }
  });

  test('a closed pipe is recognised by its code', () => {
    assert.ok(isClosedPipe(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })));
    assert.ok(!isClosedPipe(Object.assign(new Error('no space'), { code: 'ENOSPC' })));
    assert.ok(!isClosedPipe(undefined));
  });
});
