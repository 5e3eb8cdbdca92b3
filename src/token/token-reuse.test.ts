import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { grantKey, IssuedTokenCache } from './issued-token-cache.ts';
import { TokenIssuer } from './issuer.ts';
import { SigningKey } from './signing-key.ts';

const pull = [{ type: 'repository' as const, name: 'team/app', actions: ['pull'] }];
const push = [{ type: 'repository' as const, name: 'team/app', actions: ['pull', 'push'] }];

describe('token reuse', () => {
  let key: SigningKey;
  let other: SigningKey;
  let now = Date.UTC(2026, 11, 1, 12, 0, 0);
  const issuer = () => new TokenIssuer(key, { issuer: 'purser', lifetime: 300, reuse: true, now: () => now });
  before(async () => {
    key = await SigningKey.generate('reuse signer', new Date(now));
    other = await SigningKey.generate('rotated signer', new Date(now));
  });

  test('an identical grant gets the same token, with its real issue time and what remains', () => {
    const minter = issuer();
    const first = minter.issue({ subject: 'alice', audience: 'registry.test', access: pull });
    now += 30_000;
    const second = minter.issue({ subject: 'alice', audience: 'registry.test', access: pull });
    assert.equal(second.token, first.token);
    assert.equal(second.reused, true);
    assert.equal(second.issuedAt, first.issuedAt);
    assert.equal(second.expiresIn, 270);
    assert.equal(first.expiresIn, 300);
  });

  test('past 20 % of its lifetime a token is signed anew', () => {
    const minter = issuer();
    const first = minter.issue({ subject: 'alice', audience: 'registry.test', access: pull });
    now += 60_001;
    const second = minter.issue({ subject: 'alice', audience: 'registry.test', access: pull });
    assert.notEqual(second.token, first.token);
    assert.equal(second.reused, undefined);
    assert.equal(second.expiresIn, 300);
  });

  test('another subject, audience or access, or a new signing key, never shares a token', () => {
    const minter = issuer();
    const base = minter.issue({ subject: 'alice', audience: 'registry.test', access: pull }).token;
    const variants = [
      minter.issue({ subject: 'bob', audience: 'registry.test', access: pull }).token,
      minter.issue({ subject: 'alice', audience: 'other.test', access: pull }).token,
      minter.issue({ subject: 'alice', audience: 'registry.test', access: push }).token,
      minter.issue({ subject: 'alice', audience: 'registry.test', access: [] }).token,
    ];
    for (const token of variants) assert.notEqual(token, base);
    minter.signWith(other);
    assert.notEqual(minter.issue({ subject: 'alice', audience: 'registry.test', access: pull }).token, base);
  });

  test('forgetIssued drops every kept token', () => {
    const minter = issuer();
    const first = minter.issue({ subject: 'alice', audience: 'registry.test', access: pull }).token;
    assert.equal(minter.reusable, 1);
    minter.forgetIssued();
    assert.equal(minter.reusable, 0);
    assert.notEqual(minter.issue({ subject: 'alice', audience: 'registry.test', access: pull }).token, first);
  });

  test('without reuse every token is signed', () => {
    const minter = new TokenIssuer(key, { issuer: 'purser', lifetime: 300, now: () => now });
    const a = minter.issue({ subject: 'alice', audience: 'registry.test', access: pull }).token;
    const b = minter.issue({ subject: 'alice', audience: 'registry.test', access: pull }).token;
    assert.notEqual(a, b);
    assert.equal(minter.reusable, 0);
  });

  test('the cache is bounded: the least recently issued entry goes first', () => {
    const cache = new IssuedTokenCache({ lifetime: 300, maxEntries: 2 });
    const entry = (token: string) => ({ token, issuedAtMs: 0, expiresAtMs: 300_000 });
    cache.remember('a', entry('A'));
    cache.remember('b', entry('B'));
    cache.remember('c', entry('C'));
    assert.equal(cache.size, 2);
    assert.equal(cache.find('a', 0), undefined);
    assert.equal(cache.find('c', 0)?.token, 'C');
  });

  test('grant keys keep fields apart (no two grants share a key by concatenation)', () => {
    const a = grantKey('k', 'ab', 'c', []);
    const b = grantKey('k', 'a', 'bc', []);
    assert.notEqual(a, b);
    const c = grantKey('k', 's', 'r', [{ type: 'repository', name: 'x', actions: ['pull', 'push'] }]);
    const d = grantKey('k', 's', 'r', [
      { type: 'repository', name: 'x', actions: ['pull'] },
      { type: 'repository', name: 'x', actions: ['push'] },
    ]);
    assert.notEqual(c, d);
  });
});
