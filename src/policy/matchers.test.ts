// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${account} and ${group} are literal policy syntax here
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileGlob, globProblems, joinGroupNames, matchGlob, placeholderSubject } from './matchers.ts';
import { repositoryNamespace } from './namespace.ts';

describe('globs', () => {
  const table: [pattern: string, subject: string, matches: boolean][] = [
    ['team/web', 'team/web', true],
    ['team/web', 'team/webx', false],
    ['team/*', 'team/web', true],
    ['team/*', 'team/web/x', false],
    ['team/*', 'team/', true],
    ['team/*', 'teamx/web', false],
    ['team/**', 'team/web/x/y', true],
    ['team/**', 'team/web', true],
    ['team/**', 'team', false],
    ['**', 'anything/at/all', true],
    ['**/web', 'web', true],
    ['**/web', 'a/b/web', true],
    ['**/web', 'a/b/website', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'a/x/y/c', false],
    ['web-?', 'web-1', true],
    ['web-?', 'web-10', false],
    ['web?x', 'web/x', false],
    ['*.test', 'registry.test', true],
    ['*.test', 'registryxtest', false],
    ['registry.test:5000', 'registry.test:5000', true],
    ['ci+*', 'ci+builder', true],
    ['(a)|b', '(a)|b', true],
    ['(a)|b', 'a', false],
    ['a^$b', 'a^$b', true],
  ];
  for (const [pattern, subject, matches] of table) {
    test(`${pattern} ${matches ? 'matches' : 'does not match'} ${subject}`, () => {
      assert.equal(matchGlob(pattern, subject), matches);
    });
  }

  test('compiled globs are cached and literal ones compare exactly', () => {
    assert.equal(compileGlob('team/*'), compileGlob('team/*'));
    assert.equal(compileGlob('team/web').literal, 'team/web');
    assert.equal(compileGlob('team/*').literal, undefined);
    assert.throws(() => compileGlob('a***'), TypeError);
  });

  test('placeholders match the account and any one group', () => {
    const glob = compileGlob('home/${account}/**', { placeholders: true });
    const groups = joinGroupNames(['dev', 'ops']);
    assert.ok(glob.regex.test(placeholderSubject('alice', groups, 'home/alice/x')));
    assert.ok(!glob.regex.test(placeholderSubject('alice', groups, 'home/alicex/x')));
    assert.ok(!glob.regex.test(placeholderSubject('alice', groups, 'home/bob/x')));
    const dotted = compileGlob('u/${account}', { placeholders: true });
    assert.ok(dotted.regex.test(placeholderSubject('a.b', '', 'u/a.b')));
    assert.ok(!dotted.regex.test(placeholderSubject('a.b', '', 'u/axb')));
    const team = compileGlob('teams/${group}/*', { placeholders: true });
    assert.ok(team.regex.test(placeholderSubject('alice', groups, 'teams/ops/x')));
    assert.ok(team.regex.test(placeholderSubject('alice', groups, 'teams/dev/x')));
    assert.ok(!team.regex.test(placeholderSubject('alice', groups, 'teams/qa/x')));
    assert.ok(!team.regex.test(placeholderSubject('alice', joinGroupNames([]), 'teams/dev/x')));
    const both = compileGlob('${group}/${account}-*', { placeholders: true });
    assert.ok(both.regex.test(placeholderSubject('a-b', groups, 'ops/a-b-c')));
    assert.ok(!both.regex.test(placeholderSubject('a-b', groups, 'ops/a-c')));
  });

  test('problems', () => {
    assert.deepEqual(globProblems('team/*'), []);
    assert.deepEqual(globProblems('home/${account}/*', { placeholders: true }), []);
    assert.match(globProblems('home/${account}/*')[0] ?? '', /not allowed here/);
    assert.match(globProblems('home/${acc')[0] ?? '', /unterminated/);
    assert.match(globProblems('a b')[0] ?? '', /reserved or invalid character " "/);
    assert.match(globProblems('x**')[0] ?? '', /whole component/);
    assert.match(globProblems('/x')[0] ?? '', /empty path component/);
    assert.match(globProblems('{a,b}')[0] ?? '', /reserved/);
  });
});

describe('repositoryNamespace', () => {
  const table: [name: string, kind: string, owner: string][] = [
    ['users/alice/web', 'users', 'alice'],
    ['users/1/web', 'users', '1'],
    ['users/alice', 'users', 'alice'],
    ['groups/dev/a/b', 'groups', 'dev'],
    ['apps/shop/x', 'apps', 'shop'],
    ['users', 'other', ''],
    ['team/web', 'other', ''],
    ['usersx/alice/web', 'other', ''],
    ['registry.test/users/alice/web', 'other', ''],
    ['localhost:5000/apps/shop/x', 'other', ''],
  ];
  for (const [name, kind, owner] of table) {
    test(`${name} -> ${kind} ${owner}`, () => {
      assert.deepEqual({ ...repositoryNamespace(name) }, { kind, owner });
    });
  }
});
