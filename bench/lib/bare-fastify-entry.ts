/**
 * Baseline server: Fastify with no plugins and two routes —
 *  - GET /json returns a ~300-byte JSON object: the HTTP ceiling of this machine, the `a` of
 *    the token scenarios' composite limit;
 *  - GET /sign signs one ES256 JWS per request (es256-jws.ts, as crypto-worker.ts does) and
 *    returns it as a token response: what a route that does nothing but sign reaches, shown
 *    beside the composite so readers see how much of the gap is the route's own work.
 */
import Fastify from 'fastify';
import { es256TokenSigner } from './es256-jws.ts';

const body = {
  token: 'x'.repeat(180),
  expires_in: 300,
  issued_at: '2026-01-01T00:00:00.000Z',
  note: 'bare fastify baseline for purser benchmarks',
};
const signed = es256TokenSigner();

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
