import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TooManyRequests } from '../domain/errors.ts';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, type LoginThrottleSettings } from './login-throttle.ts';

const SETTINGS: LoginThrottleSettings = {
  freeFailures: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 8_000,
  addressFailures: 10,
  addressWindowMs: 60_000,
  globalFailures: 30,
  globalWindowMs: 10_000,
};

function throttle(settings: Partial<LoginThrottleSettings> = {}) {
  let now = 1_000_000;
  const t = new LoginThrottle({ ...SETTINGS, ...settings }, () => now);
  const advance = (ms: number) => {
    now += ms;
  };
  return { t, advance };
}

function failTimes(t: LoginThrottle, account: string, address: string, n: number): void {
  for (let i = 0; i < n; i++) t.failed(account, address);
}

test('a pair waits after its free failures, with delays that double up to the maximum', () => {
  const { t, advance } = throttle();
  failTimes(t, 'alice', '10.0.0.1', 3);
  assert.equal(t.waitMs('alice', '10.0.0.1'), 0, 'the free failures cost nothing');
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    t.failed('alice', '10.0.0.1');
    delays.push(t.waitMs('alice', '10.0.0.1'));
    advance(delays.at(-1)!);
  }
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
});

test('the same account from another address, and another account, are not affected', () => {
  const { t } = throttle();
  failTimes(t, 'alice', '10.0.0.1', 8);
  assert.ok(t.waitMs('alice', '10.0.0.1') > 0);
  assert.equal(t.waitMs('alice', '10.0.0.2'), 0, 'alice from a client that has not failed');
  assert.equal(t.waitMs('bob', '10.0.0.1'), 0, 'bob from the failing address (within its budget)');
});

test('admit throws TooManyRequests with Retry-After in whole seconds', () => {
  const { t, advance } = throttle();
  failTimes(t, 'alice', '10.0.0.1', 4);
  advance(200);
  assert.throws(
    () => t.admit('alice', '10.0.0.1'),
    (error: unknown) =>
      error instanceof TooManyRequests && error.status === 429 && error.headers['retry-after'] === '1',
  );
  advance(800);
  t.admit('alice', '10.0.0.1');
});

test('a success ends the streak of its pair', () => {
  const { t, advance } = throttle();
  failTimes(t, 'alice', '10.0.0.1', 4);
  advance(1_000);
  t.succeeded('alice', '10.0.0.1');
  failTimes(t, 'alice', '10.0.0.1', 3);
  assert.equal(t.waitMs('alice', '10.0.0.1'), 0);
});

test('an address over its budget waits for the end of its window, whatever the account', () => {
  const { t, advance } = throttle();
  for (let i = 0; i < 10; i++) t.failed(`user${i}`, '10.0.0.9');
  assert.equal(t.waitMs('someone-else', '10.0.0.9'), 60_000);
  assert.equal(t.waitMs('someone-else', '10.0.0.8'), 0, 'other addresses are served');
  advance(60_000);
  assert.equal(t.waitMs('someone-else', '10.0.0.9'), 0, 'the budget refills with the next window');
});

test('the global breaker stops addresses that failed, and serves those that did not', () => {
  const { t, advance } = throttle();
  for (let i = 0; i < 29; i++) t.failed('alice', `10.1.0.${i}`);
  assert.equal(t.breakerOpen, false);
  assert.equal(t.waitMs('alice', '10.1.0.1'), 0);
  t.failed('alice', '10.1.0.29');
  assert.equal(t.breakerOpen, true);
  assert.equal(t.waitMs('alice', '10.1.0.1'), 10_000, 'a failing address waits for the breaker');
  assert.equal(t.waitMs('alice', '192.0.2.1'), 0, 'a client that has not failed is served');
  advance(10_000);
  assert.equal(t.breakerOpen, false);
  assert.equal(t.waitMs('alice', '10.1.0.1'), 0);
});

test('unlock forgets every address of one account, and only of that account', () => {
  const { t } = throttle();
  failTimes(t, 'alice', '10.0.0.1', 4);
  failTimes(t, 'alice', '10.0.0.2', 4);
  failTimes(t, 'alice2', '10.0.0.1', 4);
  assert.equal(t.unlock('alice'), 2);
  assert.equal(t.waitMs('alice', '10.0.0.1'), 0);
  assert.equal(t.waitMs('alice', '10.0.0.2'), 0);
  assert.ok(t.waitMs('alice2', '10.0.0.1') > 0);
});

test('memory stays bounded: the least recently failing pairs go first', () => {
  const { t } = throttle({ maxEntries: 100, addressFailures: 1_000_000, globalFailures: 1_000_000 });
  for (let i = 0; i < 1_000; i++) failTimes(t, `user${i}`, '10.0.0.1', 4);
  assert.equal(t.waitMs('user0', '10.0.0.1'), 0, 'evicted');
  assert.ok(t.waitMs('user999', '10.0.0.1') > 0, 'kept');
});

test('the defaults let people mistype and still stop guessing', () => {
  assert.ok(DEFAULT_LOGIN_THROTTLE.freeFailures >= 3);
  assert.ok(DEFAULT_LOGIN_THROTTLE.maxDelayMs <= 3_600_000);
});
