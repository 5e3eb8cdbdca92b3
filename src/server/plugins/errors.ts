/**
 * One error handler, three wire forms, chosen per route (`config.surface`):
 * - `registry` (GET /token and registry-facing routes): `{"errors":[{code,message}]}` with the
 *   Docker errcode value, as the docker CLI, skopeo and containerd parse it;
 * - `oauth` (POST /token): `{"error","error_description"}` (RFC 6749);
 * - `api` (management API): `{"errors":[{code,message}]}` with Purser's own codes.
 * Unexposed errors become a generic 500; details go to the log only.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuthorityError, ERROR_DESCRIPTORS } from '../../domain/errors.ts';

export type Surface = 'registry' | 'oauth' | 'api';

declare module 'fastify' {
  interface FastifyContextConfig {
    surface?: Surface;
  }
}

export interface ErrorHandlerOptions {
  /** A request refused by a limiter (429), with its route pattern: for metrics. */
  readonly onThrottled?: (route: string) => void;
}

export function installErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions = {}): void {
  app.setErrorHandler((error: FastifyError | AuthorityError | Error, request, reply) => {
    const surface = request.routeOptions.config.surface ?? 'api';
    const authority = toAuthorityError(error);
    // The route pattern (never the URL a caller sent): a bounded label.
    if (authority.status === 429) options.onThrottled?.(request.routeOptions.url ?? 'unknown');
    if (authority.status >= 500) request.log.error({ reqId: request.id, err: error }, 'request failed');
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
