/**
 * The raw ES256 token signature the token baselines measure: node:crypto, base64url
 * header.claims, raw r||s (ieee-p1363) — the construction of src/token/issuer.ts, with a kid
 * header and the claims of the bench's token request.
 */
import crypto from 'node:crypto';

export function es256TokenSigner(): () => string {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const header = Buffer.from(
    JSON.stringify({
      alg: 'ES256',
      typ: 'JWT',
      kid: 'ABCD:EFGH:IJKL:MNOP:QRST:UVWX:YZ23:4567:ABCD:EFGH:IJKL:MNOP',
    }),
  ).toString('base64url');
  return () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: 'purser-bench',
      sub: 'u1',
      aud: 'registry.bench',
      exp: now + 300,
      nbf: now - 1,
      iat: now,
      jti: crypto.randomBytes(16).toString('base64url'),
      access: [{ type: 'repository', name: 'groups/g1/app', actions: ['pull', 'push'] }],
    };
    const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const signature = crypto.sign('sha256', Buffer.from(input), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${input}.${signature.toString('base64url')}`;
  };
}
