/**
 * One error handler, three wire forms, chosen per route (`config.surface`):
 * - `registry` (GET /token and registry-facing routes): `{"errors":[{code,message}]}` with the
 *   Docker errcode value, as the docker CLI, skopeo and containerd parse it;
 * - `oauth` (POST /token): `{"error","error_description"}` (RFC 6749);
 * - `api` (management API): `{"errors":[{code,message}]}` with Purser's own codes.
 * A store fault (a lost database connection, a full disk, a replaced database file) is 503
 * UNAVAILABLE on every surface, never a 500, and is reported to the store's health (which
 * then probes the database). Unexposed errors become a generic 500; details go to the log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthorityError, ERROR_DESCRIPTORS, Unavailable } from '../../domain/errors.ts';
import { storeFault, storeFaultMessage } from '../../store/store-faults.ts';

export type Surface = 'registry' | 'oauth' | 'api';

declare module 'fastify' {
  interface FastifyContextConfig {
    surface?: Surface;
  }
}

export interface ErrorHandlerOptions {
  /** A request failed on a store fault (StoreHealth.reportFailure). */
  readonly onStoreFault?: (error: unknown) => void;
}

export function installErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((error: FastifyError | AuthorityError | Error, request, reply) => {
    const surface = request.routeOptions.config.surface ?? 'api';
    const fault = error instanceof AuthorityError ? undefined : storeFault(error);
    if (fault) options.onStoreFault?.(error);
    const authority = fault
      ? new Unavailable(storeFaultMessage(fault), { detail: error.message, cause: error, expose: true })
      : toAuthorityError(error);
    if (authority.code === 'UNAVAILABLE' && authority.expose)
      // The store's state change is logged once with its cause; one line per request, no stack.
      request.log.warn(
        { reqId: request.id, code: authority.code, detail: authority.detail },
        authority.message,
      );
    else if (authority.status >= 500) request.log.error({ reqId: request.id, err: error }, 'request failed');
    else
      request.log.info(
        { reqId: request.id, code: authority.code, detail: authority.detail },
        authority.message,
      );
    send(reply, surface, authority);
  });
  app.setNotFoundHandler((request, reply) => {
    send(
      reply,
      'api',
      new AuthorityError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
    );
  });
}

export function send(reply: FastifyReply, surface: Surface, error: AuthorityError): FastifyReply {
  const message = error.expose ? error.message : 'internal error';
  reply.code(error.status).headers(error.headers);
  if (surface === 'oauth') {
    return reply.send({ error: error.descriptor.oauth, error_description: message });
  }
  const code = surface === 'registry' ? error.descriptor.value : error.code;
  return reply.send({ errors: [{ code, message }] });
}

function toAuthorityError(error: FastifyError | AuthorityError | Error): AuthorityError {
  if (error instanceof AuthorityError) return error;
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code =
      status === 401
        ? 'UNAUTHORIZED'
        : status === 404
          ? 'NOT_FOUND'
          : status === 429
            ? 'TOO_MANY_REQUESTS'
            : 'BAD_REQUEST';
    const message = (error as FastifyError).validation ? `invalid request: ${error.message}` : error.message;
    return new AuthorityError(code, message);
  }
  return new AuthorityError('INTERNAL', 'internal error', { detail: error.message, cause: error });
}

export function isRequestOf(request: FastifyRequest, surface: Surface): boolean {
  return (request.routeOptions.config.surface ?? 'api') === surface;
}

export { ERROR_DESCRIPTORS };
