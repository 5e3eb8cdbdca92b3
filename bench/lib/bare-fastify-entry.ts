/**
 * Baseline server: Fastify with one GET /json route returning a ~300-byte JSON object and no
 * plugins — the HTTP ceiling of this machine for the token scenarios' composite limit.
 */
import Fastify from 'fastify';

const body = {
  token: 'x'.repeat(180),
  expires_in: 300,
  issued_at: '2026-01-01T00:00:00.000Z',
  note: 'bare fastify baseline for purser benchmarks',
};
const app = Fastify({ logger: false });
app.get('/json', async () => body);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
process.stdout.write(`READY http://127.0.0.1:${port}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
