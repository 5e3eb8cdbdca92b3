import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { before, describe, test } from 'node:test';
import * as jose from 'jose';
import { TokenIssuer } from './issuer.ts';
import { SigningKey, thumbprint } from './signing-key.ts';
import { verifyToken } from './verifier.ts';

describe('ES256 token signing', () => {
  let key: SigningKey;
  const now = Date.UTC(2026, 10, 22, 12, 0, 0);
  before(async () => {
    key = await SigningKey.generate('test signer', new Date(now));
  });

  const access = [{ type: 'repository' as const, name: 'team/app', actions: ['pull', 'push'] }];

  test('a token verifies with jose against the JWKS and against the certificate', async () => {
    const issuer = new TokenIssuer(key, { issuer: 'purser', lifetime: 300 });
    const { token } = issuer.issue({ subject: 'alice', audience: 'registry.test', access });
    const jwks = jose.createLocalJWKSet({ keys: [{ ...key.jwk, x5c: [...key.jwk.x5c] }] });
    const viaJwks = await jose.jwtVerify(token, jwks, { issuer: 'purser', audience: 'registry.test' });
    assert.equal(viaJwks.payload.sub, 'alice');
    assert.deepEqual(viaJwks.payload.access, access);
    const cert = await jose.importX509(key.certificatePem, 'ES256');
    const viaCert = await jose.jwtVerify(token, cert);
    assert.equal(viaCert.protectedHeader.kid, key.kid);
  });

  test('header: alg ES256, kid = RFC 7638 thumbprint, x5c = [certificate in standard base64]', async () => {
    const { token } = new TokenIssuer(key, { issuer: 'purser', lifetime: 300 }).issue({
      subject: 'a',
      audience: 'r',
      access: [],
    });
    const header = jose.decodeProtectedHeader(token);
    assert.equal(header.alg, 'ES256');
    assert.equal(
      header.kid,
      await jose.calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x: key.jwk.x, y: key.jwk.y }),
    );
    assert.equal(header.kid, thumbprint(key.publicKey));
    assert.equal(header.x5c?.length, 1);
    assert.match(header.x5c![0]!, /^[A-Za-z0-9+/]+=*$/, 'standard base64, not base64url');
    assert.ok(
      new crypto.X509Certificate(Buffer.from(header.x5c![0]!, 'base64')).publicKey.equals(key.publicKey),
    );
  });

  test('signature is raw r||s (64 bytes), claims are integers and aud is a string', () => {
    const issuer = new TokenIssuer(key, { issuer: 'purser', lifetime: 300, now: () => now + 999 });
    const { token, expiresIn } = issuer.issue({ subject: 'alice', audience: 'registry.test', access });
    const [, payload, signature] = token.split('.');
    assert.equal(Buffer.from(signature!, 'base64url').length, 64);
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    assert.equal(typeof claims.aud, 'string');
    assert.equal(claims.iat, Math.floor(now / 1000));
    assert.equal(claims.exp, claims.iat + 300);
    assert.ok(Number.isInteger(claims.nbf) && claims.nbf <= claims.iat);
    assert.equal(expiresIn, 300);
    assert.match(claims.jti, /^[A-Za-z0-9_-]{22}$/);
    const second = JSON.parse(
      Buffer.from(
        issuer.issue({ subject: 'alice', audience: 'registry.test', access }).token.split('.')[1]!,
        'base64url',
      ).toString(),
    );
    assert.notEqual(second.jti, claims.jti, 'every token has its own jti');
  });

  test('the certificate is self-signed, a CA, valid 10 years', () => {
    const cert = new crypto.X509Certificate(key.certificatePem);
    assert.ok(cert.verify(key.publicKey));
    assert.equal(cert.ca, true);
    const years = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / (365.25 * 86_400_000);
    assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
  });

  test('the verifier refuses other keys, audiences, issuers and expired tokens', async () => {
    const other = await SigningKey.generate();
    const issuer = new TokenIssuer(key, { issuer: 'purser', lifetime: 300, now: () => now });
    const { token } = issuer.issue({ subject: 'alice', audience: 'purser', access: [] });
    assert.equal(verifyToken(token, { issuer: 'purser', audience: 'purser', keys: [key], now }).sub, 'alice');
    assert.throws(
      () => verifyToken(token, { issuer: 'purser', audience: 'purser', keys: [other], now }),
      /unknown key/,
    );
    assert.throws(
      () => verifyToken(token, { issuer: 'purser', audience: 'registry', keys: [key], now }),
      /another audience/,
    );
    assert.throws(
      () => verifyToken(token, { issuer: 'x', audience: 'purser', keys: [key], now }),
      /untrusted issuer/,
    );
    assert.throws(
      () => verifyToken(token, { issuer: 'purser', audience: 'purser', keys: [key], now: now + 400_000 }),
      /expired/,
    );
    const tampered = `${token.slice(0, -4)}AAAA`;
    assert.throws(
      () => verifyToken(tampered, { issuer: 'purser', audience: 'purser', keys: [key], now }),
      /signature/,
    );
    assert.throws(
      () => verifyToken('a.b', { issuer: 'purser', audience: 'purser', keys: [key], now }),
      /malformed/,
    );
  });
});
