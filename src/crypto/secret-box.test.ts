import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { SecretBox } from './secret-box.ts';

test('sealed values open only with the right key and place', () => {
  const box = new SecretBox([crypto.randomBytes(32)]);
  const sealed = box.seal('s3cret', 'vault:1');
  assert.ok(!sealed.includes('s3cret'));
  assert.equal(box.open(sealed, 'vault:1'), 's3cret');
  assert.throws(() => box.open(sealed, 'vault:2'), /failed authentication/, 'bound to its place');
  assert.throws(() => new SecretBox([crypto.randomBytes(32)]).open(sealed, 'vault:1'), /not loaded/);
  assert.notEqual(box.seal('s3cret', 'vault:1'), sealed, 'a fresh IV every time');
});

test('a keyring opens values of older keys and reloads for newer ones', () => {
  const oldKey = crypto.randomBytes(32);
  const newKey = crypto.randomBytes(32);
  const old = new SecretBox([oldKey]).seal('before', 'x');
  const rotated = new SecretBox([newKey, oldKey]);
  assert.equal(rotated.open(old, 'x'), 'before');
  const after = rotated.seal('after', 'x');
  let reloads = 0;
  const running = new SecretBox([oldKey], () => {
    reloads++;
    return [newKey, oldKey];
  });
  assert.equal(running.open(after, 'x'), 'after');
  assert.equal(reloads, 1);
  assert.equal(running.currentKeyId, rotated.currentKeyId, 'new values are sealed under the new key');
});
