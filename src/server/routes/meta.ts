/**
 * Health and key publication. `/healthz` says the process is alive; `/readyz` says whether it
 * can serve tokens: the database reachable and the same one (PostgreSQL away, or the SQLite file
 * deleted or replaced under the process, is 503 UNAVAILABLE with the reason), the signing key
 * loaded, migrations done, not shutting down; when ready, the audit pipeline's counts (entries
 * pending, not journaled, lost). None of them looks at credentials, so a bad header cannot fail
 * them.
 */
import type { FastifyInstance } from 'fastify';
import type { Authority } from '../../app/authority.ts';
import type { Runtime } from '../../app/compose.ts';
import { checkReadiness } from '../../app/readiness.ts';
import type { AuditStats } from '../../audit/journaled-audit.ts';
import { Unavailable } from '../../domain/errors.ts';
import type { StoreHealth } from '../../store/store-health.ts';
import { jwks } from '../../token/key-store.ts';

export interface MetaRouteDeps {
  readonly authority: Authority;
  readonly runtime: Pick<Runtime, 'db' | 'authority'>;
  readonly health: StoreHealth;
  readonly auditStats: () => AuditStats;
  /** True once shutdown began: /readyz answers 503 so load balancers stop sending requests. */
  readonly draining?: () => boolean;
}

export async function metaRoutes(app: FastifyInstance, deps: MetaRouteDeps): Promise<void> {
  const { authority } = deps;
  app.get('/healthz', { config: { credentials: 'ignored' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { credentials: 'ignored' } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    const state = await deps.health.check();
    // The reasons name no secret: a file path or the driver's message without the URL.
    const reasons =
      state.status !== 'up'
        ? [`the database is ${state.status} (${state.reason})`]
        : (await checkReadiness(deps.runtime, { draining: deps.draining?.() ?? false })).reasons;
    // pending: recorded, not yet stored; unjournaled / lost: counts since start (disk full).
    if (reasons.length === 0) return { status: 'ready', database: state.status, audit: deps.auditStats() };
    // Sent, not thrown: a failing probe is not a request error to log at every poll. The
    // reasons are the operator's, so they are sent although the status is 503.
    const error = new Unavailable(`not ready: ${reasons.join('; ')}`);
    return reply.code(error.status).send({ errors: [{ code: error.code, message: error.message }] });
  });
  app.get('/.well-known/jwks.json', { config: { credentials: 'ignored' } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return jwks(authority.ring);
  });
}
