/** Health and key publication. */
import type { FastifyInstance } from 'fastify';
import type { Authority } from '../../app/authority.ts';
import { jwks } from '../../token/key-store.ts';

export async function metaRoutes(app: FastifyInstance, authority: Authority): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return jwks(authority.ring);
  });
}
