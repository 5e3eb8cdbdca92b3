import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNextLink } from './link-header.ts';

const BASE = 'http://127.0.0.1:5000';

test('relative next link as Distribution sends it', () => {
  assert.equal(
    parseNextLink('</v2/_catalog?last=b&n=2>; rel="next"', BASE),
    'http://127.0.0.1:5000/v2/_catalog?last=b&n=2',
  );
});

test('absolute link, unquoted rel, extra params and several links', () => {
  assert.equal(
    parseNextLink('<https://r.example/v2/x/tags/list?n=1&last=a>;rel=next', BASE),
    'https://r.example/v2/x/tags/list?n=1&last=a',
  );
  assert.equal(
    parseNextLink(
      '</v2/_catalog?n=1>; rel="prev", </v2/_catalog?last=c&n=1>; title="x, y"; rel="next"',
      BASE,
    ),
    'http://127.0.0.1:5000/v2/_catalog?last=c&n=1',
  );
  assert.equal(
    parseNextLink('</v2/_catalog?last=z>; rel="first next"', BASE),
    'http://127.0.0.1:5000/v2/_catalog?last=z',
  );
});

test('no next page', () => {
  assert.equal(parseNextLink(null, BASE), undefined);
  assert.equal(parseNextLink('', BASE), undefined);
  assert.equal(parseNextLink('</v2/_catalog?n=1>; rel="prev"', BASE), undefined);
  assert.equal(parseNextLink('garbage', BASE), undefined);
  assert.equal(parseNextLink('<http://[bad>; rel="next"', BASE), undefined);
});
