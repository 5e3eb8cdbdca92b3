/**
 * Every login path costs the same work: users, services, robots, unknown names, accounts
 * without a password and disabled accounts each make one password-hash verification and one
 * SHA-256 secret verification (counted), and a coarse timing check confirms it on the real
 * hash functions (before, unknown names cost ten times a service's check).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Principal } from '../domain/model.ts';
import type { CredentialRecord } from '../store/access-store.ts';
import { CredentialAuthenticator, type PrincipalDirectory } from './credential-authenticator.ts';
import { SECRET_HASHING, type SecretHashing } from './credential-check.ts';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle } from './login-throttle.ts';
import { hashPassword, hashSecret } from './password.ts';

async function directory(): Promise<PrincipalDirectory> {
  const records = new Map<string, CredentialRecord>([
    [
      'alice',
      {
        kind: 'user',
        name: 'alice',
        hash: await hashPassword('alice-pw'),
        credentialVersion: 1,
        principalId: 'pid',
        source: null,
      },
    ],
    [
      'nopass',
      { kind: 'user', name: 'nopass', hash: null, credentialVersion: 1, principalId: 'pid', source: null },
    ],
    [
      'off',
      {
        kind: 'user',
        name: 'off',
        hash: await hashPassword('off-pw'),
        credentialVersion: 1,
        principalId: 'pid',
        source: null,
      },
    ],
    [
      'host1',
      {
        kind: 'service',
        name: 'host1',
        hash: hashSecret('host1-secret'),
        credentialVersion: 1,
        principalId: 'pid',
        source: null,
      },
    ],
    [
      'ci+bot',
      {
        kind: 'robot',
        name: 'ci+bot',
        hash: hashSecret('bot-secret'),
        credentialVersion: 1,
        principalId: 'pid',
        source: null,
      },
    ],
  ]);
  const principals = new Map<string, Principal>([
    ['alice', { kind: 'user', user: user(1, 'alice', false) }],
    ['nopass', { kind: 'user', user: user(2, 'nopass', false) }],
    ['off', { kind: 'user', user: user(3, 'off', true) }],
    ['host1', { kind: 'service', service: { id: 1, name: 'host1', appId: null, disabled: false } }],
    [
      'ci+bot',
      {
        kind: 'robot',
        robot: {
          id: 1,
          name: 'ci+bot',
          repositories: ['**'],
          permission: 'read',
          expiresAt: null,
          disabled: false,
        },
      },
    ],
  ]);
  return { credential: (name) => records.get(name), principal: (record) => principals.get(record.name) };
}

function user(id: number, name: string, disabled: boolean) {
  return { id, name, groups: [], privileges: [], admin: false, disabled };
}

function counting(): { hashing: SecretHashing; counts: { password: number; secret: number } } {
  const counts = { password: 0, secret: 0 };
  const hashing: SecretHashing = {
    verifyPassword: (hash, password) => {
      counts.password += 1;
      return SECRET_HASHING.verifyPassword(hash, password);
    },
    verifyDummyPassword: (password) => {
      counts.password += 1;
      return SECRET_HASHING.verifyDummyPassword(password);
    },
    verifySecret: (stored, secret) => {
      counts.secret += 1;
      return SECRET_HASHING.verifySecret(stored, secret);
    },
    verifyDummySecret: (secret) => {
      counts.secret += 1;
      SECRET_HASHING.verifyDummySecret(secret);
    },
  };
  return { hashing, counts };
}

const unlimited = () =>
  new LoginThrottle({
    ...DEFAULT_LOGIN_THROTTLE,
    freeFailures: 1_000_000,
    addressFailures: 1_000_000,
    globalFailures: 1_000_000,
  });

test('every path makes one password-hash and one secret verification', async () => {
  const dir = await directory();
  const cases: [string, string, boolean][] = [
    ['alice', 'alice-pw', true],
    ['alice', 'wrong', false],
    ['host1', 'host1-secret', true],
    ['host1', 'wrong', false],
    ['ci+bot', 'bot-secret', true],
    ['ci+bot', 'wrong', false],
    ['nobody', 'whatever', false],
    ['nopass', 'whatever', false],
    ['off', 'off-pw', false],
  ];
  for (const [name, secret, ok] of cases) {
    const { hashing, counts } = counting();
    const authenticator = new CredentialAuthenticator(dir, { hashing, throttle: unlimited() });
    const outcome = await authenticator.authenticate(name, secret, '10.0.0.1').then(
      () => true,
      () => false,
    );
    assert.equal(outcome, ok, `${name}/${secret}`);
    assert.deepEqual(counts, { password: 1, secret: 1 }, `the work for ${name}/${secret}`);
  }
});

test('unknown names, users, services and robots take about the same time', async () => {
  const dir = await directory();
  const authenticator = new CredentialAuthenticator(dir, { throttle: unlimited(), cacheTtl: 0 });
  const names = ['nobody', 'alice', 'host1', 'ci+bot'];
  const times = new Map<string, number[]>(names.map((n) => [n, []]));
  await authenticator.authenticate('nobody', 'warm-up').catch(() => {});
  // Interleaved rounds, so a load spike on the machine hits every path alike.
  for (let round = 0; round < 9; round++) {
    for (const name of names) {
      const started = process.hrtime.bigint();
      await authenticator.authenticate(name, `wrong-${round}`).catch(() => {});
      times.get(name)!.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const medians = names.map((n) => median(times.get(n)!));
  const ratio = Math.max(...medians) / Math.min(...medians);
  assert.ok(ratio < 3, `medians ${names.map((n, i) => `${n}=${medians[i]!.toFixed(2)} ms`).join(', ')}`);
});
