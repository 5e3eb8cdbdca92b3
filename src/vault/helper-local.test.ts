import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { SecretBox } from '../crypto/secret-box.ts';
import { openSealed } from './helper-local.cts';

test('the helper opens SecretBox values with any loaded key, in any order, and explains failures as SecretBox does', () => {
  const oldKey = crypto.randomBytes(32);
  const newKey = crypto.randomBytes(32);
  const sealed = new SecretBox([newKey, oldKey]).seal('s3cret', 'vault:credential:default/r.test');
  const aad = 'vault:credential:default/r.test';
  const b64 = (key: Buffer) => key.toString('base64');
  assert.equal(openSealed([b64(newKey)], sealed, aad), 's3cret');
  assert.equal(openSealed([b64(oldKey), b64(newKey)], sealed, aad), 's3cret', 'the fitting key is found');
  assert.equal(openSealed([newKey.toString('hex')], sealed, aad), 's3cret', 'hex keys too');
  assert.throws(
    () => openSealed([b64(oldKey)], sealed, aad),
    /needs master key [0-9a-f]{12}, which is not loaded/,
  );
  assert.throws(
    () => openSealed([b64(newKey)], sealed, 'vault:credential:default/other.test'),
    /failed authentication/,
  );
  const parts = sealed.split('.');
  parts[4] = Buffer.from('tampered').toString('base64url');
  assert.throws(() => openSealed([b64(newKey)], parts.join('.'), aad), /failed authentication/);
  assert.throws(() => openSealed(['c2hvcnQ='], sealed, aad), /must be 32 bytes/);
  assert.throws(() => openSealed([b64(newKey)], 'v2.x.y.z.w', aad), /unknown format/);
});
