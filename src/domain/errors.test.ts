import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { AuthorityError, ERROR_DESCRIPTORS, NotFound, Unauthorized } from './errors.ts';

test('docs/errors.md lists every error code, and only those', () => {
  const doc = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.sort(), Object.keys(ERROR_DESCRIPTORS).sort());
  for (const [code, descriptor] of Object.entries(ERROR_DESCRIPTORS)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${code}\` |`));
    assert.ok(row?.includes(`| ${descriptor.status} |`), `${code}: status in the doc differs`);
  }
});

test('errors expose their message below 500, and for an unavailable dependency', () => {
  assert.equal(new AuthorityError('UNAVAILABLE', 'the identity source corp cannot be reached').expose, true);
  assert.equal(new NotFound('x').expose, true);
  assert.equal(new Unauthorized().status, 401);
  const internal = new AuthorityError('INTERNAL', 'boom', { detail: 'secret detail' });
  assert.equal(internal.expose, false);
  assert.equal(internal.name, 'AuthorityError');
  assert.equal(new NotFound('x').name, 'NotFound');
});
