/** Health and key publication: neither looks at credentials, so a bad header cannot fail them. */
import type { FastifyInstance } from 'fastify';
import type { Authority } from '../../app/authority.ts';
import { jwks } from '../../token/key-store.ts';

export async function metaRoutes(app: FastifyInstance, authority: Authority): Promise<void> {
  app.get('/healthz', { config: { credentials: 'ignored' } }, async () => ({ status: 'ok' }));
  app.get('/.well-known/jwks.json', { config: { credentials: 'ignored' } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return jwks(authority.ring);
  });
}
