import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkName, type EntityKind, nameProblem } from './entity-names.ts';

describe('entity names', () => {
  test('each kind accepts its own form and refuses the others', () => {
    const cases: [EntityKind, string, boolean][] = [
      ['user', 'alice', true],
      ['user', 'alice@example.com', true],
      ['user', 'b b', false],
      ['user', '1234', false],
      ['user', 'a'.repeat(256), false],
      ['group', 'dev-team', true],
      ['group', 'dev team', false],
      ['group', '10', false],
      ['app', 'shop', true],
      ['service', 'node1.example.com:5000', true],
      ['service', '1234', true],
      ['service', 'ci+builder', false],
      ['robot', 'ci+builder', true],
      ['robot', 'builder', false],
      ['robot', 'ci+', false],
      ['registry', '127.0.0.1:5000', true],
      ['registry', 'registry test', false],
    ];
    for (const [kind, name, valid] of cases)
      assert.equal(nameProblem(kind, name) === undefined, valid, `${kind} ${JSON.stringify(name)}`);
  });

  test('checkName says which rule failed', () => {
    assert.throws(
      () => checkName('user', '1234'),
      /user name "1234" is not valid: it must not be all digits/,
    );
    assert.throws(() => checkName('robot', 'builder'), /robot names have the form owner\+name/);
    assert.throws(() => checkName('group', 'a b'), { code: 'BAD_REQUEST' });
    checkName('group', 'ops');
  });
});
