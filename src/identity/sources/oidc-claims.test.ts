import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Unauthorized } from '../../domain/errors.ts';
import { claimsToIdentity } from './oidc-claims.ts';

const mapping = { source: 'sso', usernameClaim: 'preferred_username', groupsClaim: 'groups' };

describe('OIDC claims → identity', () => {
  test('sub is the stable id; name and email when present', () => {
    assert.deepEqual(
      claimsToIdentity(
        { sub: 's-1', preferred_username: 'dana', groups: ['a', 'b', 'a', 7], name: 'Dana' },
        mapping,
      ),
      { username: 'dana', source: 'sso', externalId: 's-1', groups: ['a', 'b'], displayName: 'Dana' },
    );
  });

  test('groups: one string, absent, or not a list', () => {
    const groups = (value: unknown) =>
      claimsToIdentity({ sub: 's', preferred_username: 'u', groups: value }, mapping).groups;
    assert.deepEqual(groups('devs'), ['devs']);
    assert.deepEqual(groups(undefined), []);
    assert.deepEqual(groups({ devs: true }), []);
  });

  test('claim names: as written first (namespaced), then as a dotted path (Keycloak roles)', () => {
    const claims = {
      sub: 's',
      email: 'dana@example.org',
      'https://example.org/groups': ['namespaced'],
      realm_access: { roles: ['registry-pushers'] },
    };
    assert.deepEqual(
      claimsToIdentity(claims, {
        ...mapping,
        usernameClaim: 'email',
        groupsClaim: 'https://example.org/groups',
      }).groups,
      ['namespaced'],
    );
    const roles = claimsToIdentity(claims, {
      ...mapping,
      usernameClaim: 'email',
      groupsClaim: 'realm_access.roles',
    });
    assert.deepEqual([roles.username, roles.groups], ['dana@example.org', ['registry-pushers']]);
    const inherited = claimsToIdentity(claims, {
      ...mapping,
      usernameClaim: 'email',
      groupsClaim: 'constructor.name',
    });
    assert.deepEqual(inherited.groups, [], 'only own properties are read');
  });

  test('no sub or no username claim is a clear 401', () => {
    assert.throws(() => claimsToIdentity({ preferred_username: 'u' }, mapping), Unauthorized);
    assert.throws(
      () => claimsToIdentity({ sub: 's' }, mapping),
      (error: unknown) =>
        error instanceof Unauthorized &&
        error.message.includes('no "preferred_username" claim (username_claim of source sso)'),
    );
  });
});
