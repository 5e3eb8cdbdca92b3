import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findChallenge, parseChallenges } from './challenge.ts';

test('Bearer challenge from distribution', () => {
  const header =
    'Bearer realm="http://127.0.0.1:5001/token",service="purser-test",scope="repository:foo/bar:pull,push",error="insufficient_scope"';
  assert.deepEqual(parseChallenges(header), [
    {
      scheme: 'bearer',
      params: {
        realm: 'http://127.0.0.1:5001/token',
        service: 'purser-test',
        scope: 'repository:foo/bar:pull,push',
        error: 'insufficient_scope',
      },
    },
  ]);
});

test('Basic, several challenges, escapes and bare tokens', () => {
  assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [
    { scheme: 'basic', params: { realm: 'Registry Realm' } },
  ]);
  const many = parseChallenges(
    'Basic realm="a, \\"b\\"", Bearer realm=https://auth.example/token, service=reg',
  );
  assert.equal(many.length, 2);
  assert.equal(many[0]!.params.realm, 'a, "b"');
  assert.deepEqual(many[1], {
    scheme: 'bearer',
    params: { realm: 'https://auth.example/token', service: 'reg' },
  });
  assert.equal(findChallenge('BEARER Realm="x"', 'bearer')?.params.realm, 'x');
  assert.deepEqual(parseChallenges(''), []);
  assert.deepEqual(parseChallenges(undefined), []);
});
