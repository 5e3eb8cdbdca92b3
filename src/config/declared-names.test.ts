import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigInvalid } from '../domain/errors.ts';
import { parseConfig } from './load.ts';

function problems(text: string): string[] {
  try {
    parseConfig(text, undefined, {});
  } catch (error) {
    if (error instanceof ConfigInvalid) return [...error.problems];
    throw error;
  }
  return [];
}

describe('declared names follow the rules the API and the store apply', () => {
  test('a robot without owner+name and a group with a space are refused at load', () => {
    const found = problems(`
groups:
  - { name: "dev team" }
users:
  - { name: alice, groups: ["ops crew"] }
robots:
  - { name: builder, secret: s, repositories: [a], permission: read }
registries:
  - { service: registry.test, url: "http://127.0.0.1:5000", publications: ["a b"] }
`);
    for (const expected of [
      /^groups\[0\]\.name: use 1 to 255 letters/,
      /^users\[0\]\.groups\[0\]: use 1 to 255 letters/,
      /^robots\[0\]\.name: robot names have the form owner\+name/,
      /^registries\[0\]\.publications\[0\]: use 1 to 255 letters/,
    ])
      assert.ok(
        found.some((p) => expected.test(p)),
        `missing ${expected} in\n${found.join('\n')}`,
      );
  });

  test('valid names load', () => {
    assert.deepEqual(
      problems(
        'groups: [{ name: dev }]\nrobots:\n  - { name: ci+builder, secret: s, repositories: [a], permission: read }\n',
      ),
      [],
    );
  });
});
