/**
 * `/metrics` in the Prometheus text format. Gauges that describe a state (the audit queue) are
 * read at scrape time; everything else is counted where it happens. In a cluster worker the
 * text is the whole cluster's (src/server/cluster-metrics.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../app/compose.ts';

export async function metricsRoutes(
  app: FastifyInstance,
  runtime: Pick<Runtime, 'metrics' | 'audit'>,
): Promise<void> {
  runtime.metrics.watchAuditQueue(() => runtime.audit.stats().pending);
  app.get('/metrics', async (_request, reply) => {
    const text = await runtime.metrics.render();
    return reply
      .header('content-type', runtime.metrics.contentType)
      .header('cache-control', 'no-store')
      .send(text);
  });
}
