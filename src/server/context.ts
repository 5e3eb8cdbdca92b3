/**
 * What every route plugin receives: the parts of the composed runtime (src/app/compose.ts) the
 * HTTP layer works with. Route plugins are `async function xRoutes(app: FastifyInstance,
 * ctx: AppContext)`; authenticated routes read `request.principal` (set by the auth plugin;
 * anonymous when no credentials were sent) and pass it on as the caller.
 */
import type {} from 'fastify';
import type { Runtime } from '../app/compose.ts';
import type { Principal } from '../domain/model.ts';

export type AppContext = Pick<
  Runtime,
  | 'publicUrl'
  | 'issuer'
  | 'db'
  | 'box'
  | 'audit'
  | 'logger'
  | 'authority'
  | 'catalog'
  | 'refreshTokens'
  | 'vault'
  | 'services'
  | 'shutdown'
>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller (anonymous when no credentials). */
    principal: Principal;
  }
}
