import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { AndFilter, EqualityFilter, ExtensibleFilter, FilterParser } from 'ldapts';
import {
  escapeDnValue,
  escapeFilterValue,
  fillFilter,
  unescapeDnValue,
  unescapeFilterValue,
} from './ldap-escape.ts';

/** Strings rich in the characters that matter to filters and DNs, plus any code point. */
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '*',
      '(',
      ')',
      '\\',
      '\0',
      '#',
      ' ',
      ',',
      '+',
      '"',
      '<',
      '>',
      ';',
      '=',
      '{dn}',
      'é',
      '日',
    ),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 24,
});

/** The output with every `\xx` escape removed: what is left must contain no filter special. */
function withoutHexEscapes(escaped: string): string {
  return escaped.replace(/\\[0-9a-f]{2}/g, '');
}

/** Walks an escaped DN value and reports any special that is not preceded by a backslash. */
function unescapedDnSpecials(escaped: string): string[] {
  const found: string[] = [];
  const chars = [...escaped];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '\\') {
      i += /^[0-9a-f]{2}$/.test(`${chars[i + 1]}${chars[i + 2]}`) ? 2 : 1;
      continue;
    }
    if ('"+,;<>=\0'.includes(char)) found.push(char);
    if (i === 0 && (char === '#' || char === ' ')) found.push(`leading ${char}`);
    if (i === chars.length - 1 && char === ' ') found.push('trailing space');
  }
  return found;
}

describe('RFC 4515 filter values', () => {
  test('round trip: unescape(escape(x)) is x', () => {
    fc.assert(fc.property(hostile, (value) => unescapeFilterValue(escapeFilterValue(value)) === value));
  });

  test('never leaves \\ * ( ) or NUL unescaped', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const rest = withoutHexEscapes(escapeFilterValue(value));
        return !/[\\*()\0]/.test(rest);
      }),
    );
  });

  test('ldapts parses the filled filter back to one equality match on the exact value', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const filter = FilterParser.parseString(
          fillFilter('(&(objectClass=person)(uid={username}))', { username: value }),
        );
        assert.ok(filter instanceof AndFilter);
        assert.equal(filter.filters.length, 2);
        const equality = filter.filters[1];
        assert.ok(equality instanceof EqualityFilter);
        assert.equal(equality.attribute, 'uid');
        assert.equal(equality.value, value);
      }),
    );
  });

  test('the AD nested-group matching rule keeps a DN with specials as its value', () => {
    const dn = 'CN=Smith\\, John (ext),OU=People,DC=corp,DC=example';
    const filter = FilterParser.parseString(fillFilter('(member:1.2.840.113556.1.4.1941:={dn})', { dn }));
    assert.ok(filter instanceof ExtensibleFilter);
    assert.equal(filter.rule, '1.2.840.113556.1.4.1941');
    assert.equal(filter.value, dn);
  });

  test('known injection attempts become literal values', () => {
    assert.equal(escapeFilterValue('*'), '\\2a');
    assert.equal(escapeFilterValue('a)(uid=*'), 'a\\29\\28uid=\\2a');
    assert.equal(escapeFilterValue('alice\0'), 'alice\\00');
    assert.equal(escapeFilterValue('\\5c'), '\\5c5c');
    assert.equal(escapeFilterValue('josé'), 'josé');
  });

  test('fillFilter expands each placeholder once, never a placeholder inside a value', () => {
    assert.equal(
      fillFilter('(|(member={dn})(memberUid={username}))', { dn: 'uid=a,dc=x', username: '{dn}' }),
      '(|(member=uid=a,dc=x)(memberUid={dn}))',
    );
    assert.throws(() => fillFilter('(member={dn})', { username: 'a' }), TypeError);
  });

  test('unescape refuses what is not an RFC 4515 escape', () => {
    assert.throws(() => unescapeFilterValue('a\\zz'), SyntaxError);
    assert.throws(() => unescapeFilterValue('a\\'), SyntaxError);
    assert.equal(unescapeFilterValue('caf\\c3\\a9'), 'café');
  });
});

describe('RFC 4514 DN values', () => {
  test('round trip: unescape(escape(x)) is x', () => {
    fc.assert(fc.property(hostile, (value) => unescapeDnValue(escapeDnValue(value)) === value));
  });

  test('never leaves a special, a leading # or space, or a trailing space unescaped', () => {
    fc.assert(fc.property(hostile, (value) => unescapedDnSpecials(escapeDnValue(value)).length === 0));
  });

  test('examples from RFC 4514 §4', () => {
    assert.equal(escapeDnValue('Sue, Grabbit and Runn'), 'Sue\\, Grabbit and Runn');
    assert.equal(escapeDnValue('Before\rAfter'), 'Before\\0dAfter');
    assert.equal(escapeDnValue('#start'), '\\#start');
    assert.equal(escapeDnValue(' both '), '\\ both\\ ');
    assert.equal(escapeDnValue('a+b=c'), 'a\\+b\\=c');
    assert.equal(unescapeDnValue('Lu\\C4\\8Di\\C4\\87'), 'Lučić');
  });
});
