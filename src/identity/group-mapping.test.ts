import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileGroupMapping, mapGroups, mappedPurserGroups } from './group-mapping.ts';

const written = {
  groups: { 'registry-devs': 'dev', 'registry-ops': ['ops', 'dev'] },
  privileges: {
    'registry-pushers': ['DockerRegistriesPusher', 'puller'],
    'registry-devs': ['puller'],
  },
};

describe('group mapping', () => {
  test('only listed groups give anything, in the order of the mapping, without duplicates', () => {
    const { mapping, problems } = compileGroupMapping(written, { ignoreCase: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(mapGroups(['unlisted', 'admins'], mapping), { groups: [], privileges: [] });
    assert.deepEqual(mapGroups(['registry-ops', 'registry-devs', 'registry-pushers'], mapping), {
      groups: ['dev', 'ops'],
      privileges: ['DockerRegistriesPuller', 'DockerRegistriesPusher'],
    });
  });

  test('directory names compare without case when asked; claim values exactly', () => {
    const ldap = compileGroupMapping(written, { ignoreCase: true }).mapping;
    assert.deepEqual(mapGroups(['Registry-Devs'], ldap).groups, ['dev']);
    const oidc = compileGroupMapping(written, { ignoreCase: false }).mapping;
    assert.deepEqual(mapGroups(['Registry-Devs'], oidc).groups, []);
    assert.deepEqual(mapGroups(['registry-devs'], oidc).groups, ['dev']);
  });

  test('unknown privileges and unusable group names are reported with their path', () => {
    const { problems } = compileGroupMapping(
      { groups: { a: '', b: ['ok', '42'] }, privileges: { a: ['Pusher', 'constructor', 'root'] } },
      { ignoreCase: false, at: 'identity.sources[1]' },
    );
    assert.deepEqual(problems, [
      'identity.sources[1].groups.a: a Purser group name, not empty or all digits',
      'identity.sources[1].groups.b[1]: a Purser group name, not empty or all digits',
      'identity.sources[1].privileges.a[1]: unknown privilege "constructor" (use DockerRegistriesPuller, DockerRegistriesPusher, DockerRegistriesManager)',
      'identity.sources[1].privileges.a[2]: unknown privilege "root" (use DockerRegistriesPuller, DockerRegistriesPusher, DockerRegistriesManager)',
    ]);
  });

  test('mappedPurserGroups lists each Purser group a mapping names once', () => {
    const { mapping } = compileGroupMapping(written, { ignoreCase: true });
    assert.deepEqual(mappedPurserGroups(mapping), ['dev', 'ops']);
  });
});
