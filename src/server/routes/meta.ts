/**
 * Health and key publication: `/healthz` (the process answers), `/readyz` (it can serve tokens:
 * database, signing key, migrations; 503 with the reasons otherwise) and the JWKS. None of
 * them looks at credentials, so a bad header cannot fail them.
 */
import type { FastifyInstance } from 'fastify';
import type { Authority } from '../../app/authority.ts';
import type { Runtime } from '../../app/compose.ts';
import { checkReadiness } from '../../app/readiness.ts';
import { Unavailable } from '../../domain/errors.ts';
import { jwks } from '../../token/key-store.ts';

export interface MetaRouteDeps {
  readonly authority: Authority;
  readonly runtime: Pick<Runtime, 'db' | 'authority'>;
  /** True once shutdown began: /readyz answers 503 so load balancers stop sending requests. */
  readonly draining?: () => boolean;
}

export async function metaRoutes(app: FastifyInstance, deps: MetaRouteDeps): Promise<void> {
  const { authority } = deps;
  app.get('/healthz', { config: { credentials: 'ignored' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { credentials: 'ignored' } }, async (_request, reply) => {
    const readiness = await checkReadiness(deps.runtime, { draining: deps.draining?.() ?? false });
    reply.header('cache-control', 'no-store');
    if (readiness.ready) return { status: 'ready' };
    // Sent, not thrown: a failing probe is not a request error to log at every poll. The
    // reasons are the operator's (no secret in them), so they are sent although the status is 503.
    const error = new Unavailable(`not ready: ${readiness.reasons.join('; ')}`);
    return reply.code(error.status).send({ errors: [{ code: error.code, message: error.message }] });
  });
  app.get('/.well-known/jwks.json', { config: { credentials: 'ignored' } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return jwks(authority.ring);
  });
}
