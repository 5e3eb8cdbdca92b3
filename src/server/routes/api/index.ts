/**
 * The management API under /api/v1. Each aggregate has its own plugin file.
 */
import type { FastifyInstance } from 'fastify';
import type { Authority } from '../../authority.ts';
import type { AppContext } from '../../context.ts';

export async function apiRoutes(app: FastifyInstance, ctx: AppContext, authority: Authority): Promise<void> {
  void app;
  void ctx;
  void authority;
}
