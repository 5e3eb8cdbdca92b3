/**
 * Baseline server: Fastify with no plugins and two routes —
 *  - GET /json returns a ~300-byte JSON object: the HTTP ceiling of this machine, the `a` of
 *    the token scenarios' composite limit;
 *  - GET /sign signs one ES256 JWS per request (the construction of crypto-worker.ts) and
 *    returns it as a token response: what a route that does nothing but sign reaches, shown
 *    beside the composite so readers see how much of the gap is the route's own work.
 */
import crypto from 'node:crypto';
import Fastify from 'fastify';

const body = {
  token: 'x'.repeat(180),
  expires_in: 300,
  issued_at: '2026-01-01T00:00:00.000Z',
  note: 'bare fastify baseline for purser benchmarks',
};
const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const header = Buffer.from(
  JSON.stringify({
    alg: 'ES256',
    typ: 'JWT',
    kid: 'ABCD:EFGH:IJKL:MNOP:QRST:UVWX:YZ23:4567:ABCD:EFGH:IJKL:MNOP',
  }),
).toString('base64url');

function signed(): string {
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
  const signature = crypto.sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

const app = Fastify({ logger: false });
app.get('/json', async () => body);
app.get('/sign', async () => {
  const token = signed();
  return { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`READY http://127.0.0.1:${port}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
