/**
 * One error handler, three wire forms, chosen per route (`config.surface`):
 * - `registry` (GET /token and registry-facing routes): `{"errors":[{code,message}]}` with the
 *   Docker errcode value, as the docker CLI, skopeo and containerd parse it;
 * - `oauth` (POST /token): `{"error","error_description"}` (RFC 6749);
 * - `api` (management API): `{"errors":[{code,message}]}` with Purser's own codes.
 * A store fault (a lost database connection, a full disk, a replaced database file) is 503
 * UNAVAILABLE on every surface, never a 500, and is reported to the store's health (which
 * then probes the database). Unexposed errors become a generic 500; details go to the log only.
 * Fastify's own refusals (bad JSON, a body over the limit, a bad or overlong URL, oversized
 * headers) use the same envelope: `frameworkErrors` and `clientErrorHandler` below are passed to
 * Fastify's factory.
 */
import type { Socket } from 'node:net';
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
  /** A request refused by a limiter (429), with its route pattern: for metrics. */
  readonly onThrottled?: (route: string) => void;
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
    // The route pattern (never the URL a caller sent): a bounded label.
    if (authority.status === 429) options.onThrottled?.(request.routeOptions.url ?? 'unknown');
    if (authority.code === 'UNAVAILABLE' && authority.expose)
      // An outage is logged once with its cause by whoever watches the dependency (the store's
      // health, the identity chain); one line per request here, no stack.
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

/** Fastify's 400 for a URL it cannot decode and 414 for an overlong path parameter. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const authority = toAuthorityError(error);
  request.log.info({ reqId: request.id, code: authority.code }, authority.message);
  send(reply, 'api', authority);
}

/**
 * Errors of the HTTP parser, before there is a request: oversized headers (431), a timeout
 * (408, answered as 400: there is no code for it) and garbage (400), in Purser's envelope.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const authority =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AuthorityError('HEADERS_TOO_LARGE', 'the request headers are too large')
      : new AuthorityError('BAD_REQUEST', 'the request could not be parsed');
  const body = JSON.stringify({ errors: [{ code: authority.code, message: authority.message }] });
  socket.end(
    `HTTP/1.1 ${authority.status} ${authority.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

const STATUS_CODES: Readonly<Record<number, AuthorityError['code']>> = {
  401: 'UNAUTHORIZED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  429: 'TOO_MANY_REQUESTS',
  431: 'HEADERS_TOO_LARGE',
};

function toAuthorityError(error: FastifyError | AuthorityError | Error): AuthorityError {
  if (error instanceof AuthorityError) return error;
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = STATUS_CODES[status] ?? 'BAD_REQUEST';
    const message = (error as FastifyError).validation ? `invalid request: ${error.message}` : error.message;
    return new AuthorityError(code, message);
  }
  return new AuthorityError('INTERNAL', 'internal error', { detail: error.message, cause: error });
}

export function isRequestOf(request: FastifyRequest, surface: Surface): boolean {
  return (request.routeOptions.config.surface ?? 'api') === surface;
}

export { ERROR_DESCRIPTORS };
