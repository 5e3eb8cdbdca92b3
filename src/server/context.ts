/**
 * What every route plugin receives from the composed runtime (src/app/compose.ts). Route
 * plugins are `async function xRoutes(app: FastifyInstance, ctx: AppContext)`; they read
 * `request.principal` (set by the auth plugin; anonymous when no credentials were sent) and
 * pass it on as the caller (routes/api/caller.ts).
 */
import type {} from 'fastify';
import type { Runtime } from '../app/compose.ts';
import type { Principal } from '../domain/model.ts';

/**
 * Only the application services: no store, key or vault handle, so a route parses, calls one
 * service, and renders. (/token and the authentication plugin get the authority from app.ts.)
 */
export type AppContext = Pick<Runtime, 'services' | 'publicUrl'>;

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller (anonymous when no credentials). */
    principal: Principal;
  }
}
