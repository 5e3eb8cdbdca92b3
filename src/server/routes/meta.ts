/**
 * Health and key publication. `/healthz` says the process is alive; `/readyz` says whether it
 * can serve: 503 (UNAVAILABLE, with the reason) while the database is away (PostgreSQL
 * unreachable) or lost (the SQLite file deleted or replaced under the process); when ready,
 * the audit pipeline's counts (entries pending, not journaled, lost).
 */
import type { FastifyInstance } from 'fastify';
import type { Authority } from '../../app/authority.ts';
import type { AuditStats } from '../../audit/journaled-audit.ts';
import { Unavailable } from '../../domain/errors.ts';
import type { StoreHealth } from '../../store/store-health.ts';
import { jwks } from '../../token/key-store.ts';

export async function metaRoutes(
  app: FastifyInstance,
  authority: Authority,
  health: StoreHealth,
  auditStats: () => AuditStats,
): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => {
    const state = await health.check();
    if (state.status !== 'up') {
      // The reason names no secret: a file path or the driver's message without the URL.
      throw new Unavailable(`not ready: the database is ${state.status} (${state.reason})`, {
        expose: true,
      });
    }
    // pending: recorded, not yet stored; unjournaled / lost: counts since start (disk full).
    return { status: 'ready', database: state.status, audit: auditStats() };
  });
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return jwks(authority.ring);
  });
}
