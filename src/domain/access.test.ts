import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatScopes, intersectActions, parseResourceScope, parseScopes } from './access.ts';

describe('scope grammar', () => {
  const cases: [string, ReturnType<typeof parseResourceScope>][] = [
    [
      'repository:samalba/my-app:pull,push',
      { type: 'repository', name: 'samalba/my-app', actions: ['pull', 'push'] },
    ],
    [
      'repository:127.0.0.1:5000/team/app:pull',
      { type: 'repository', name: '127.0.0.1:5000/team/app', actions: ['pull'] },
    ],
    [
      'repository:registry.example.com:443/a/b:*',
      { type: 'repository', name: 'registry.example.com:443/a/b', actions: ['*'] },
    ],
    ['repository(plugin):team/app:pull', { type: 'repository', name: 'team/app', actions: ['pull'] }],
    ['registry:catalog:*', { type: 'registry', name: 'catalog', actions: ['*'] }],
    ['repository:app:', { type: 'repository', name: 'app', actions: [] }],
    ['repository:app:pull,pull', { type: 'repository', name: 'app', actions: ['pull'] }],
    ['foo:bar:baz', undefined],
  ];
  for (const [input, expected] of cases) {
    test(`parses ${input}`, () => assert.deepEqual(parseResourceScope(input), expected));
  }

  const garbage = [
    '',
    'repository',
    'repository:app',
    ':app:pull',
    'Repository:app:pull',
    'repository:App:pull',
    'repository:app:PULL',
    'repository:a//b:pull',
    'repository:-a:pull',
    'repository:app:pu ll',
    'registry:cat/alog:*',
  ];
  for (const input of garbage) {
    test(`rejects garbage ${JSON.stringify(input)} with a clear message`, () => {
      assert.throws(
        () => parseResourceScope(input),
        (error: Error & { code?: string }) =>
          error.code === 'BAD_REQUEST' && /invalid scope/.test(error.message),
      );
    });
  }

  test('repeated and space-separated scopes merge per resource', () => {
    const parsed = parseScopes([
      'repository:r:pull repository:r:pull,push',
      'repository:other:pull',
      'repository:r:delete',
      'unknown:x:y',
    ]);
    assert.deepEqual(parsed, [
      { type: 'repository', name: 'r', actions: ['pull', 'push', 'delete'] },
      { type: 'repository', name: 'other', actions: ['pull'] },
    ]);
    assert.equal(formatScopes(parsed), 'repository:r:pull,push,delete repository:other:pull');
  });

  test('extra spaces are tolerated', () => {
    assert.deepEqual(
      parseScopes(['  repository:a:pull   repository:b:push ']).map((a) => a.name),
      ['a', 'b'],
    );
  });

  test('a name longer than 255 characters is refused', () => {
    assert.throws(() => parseResourceScope(`repository:${'a'.repeat(256)}:pull`), /bad repository name/);
  });
});

describe('intersection', () => {
  test('grant = requested ∩ allowed', () => {
    assert.deepEqual(intersectActions(['pull', 'push'], new Set(['pull'])), ['pull']);
    assert.deepEqual(intersectActions(['push'], new Set()), []);
  });
  test('a requested * means every allowed action', () => {
    assert.deepEqual(intersectActions(['*'], new Set(['pull', 'delete'])), ['pull', 'delete']);
    assert.deepEqual(intersectActions(['*'], new Set(['*'])), ['*']);
  });
});
