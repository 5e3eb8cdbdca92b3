/** The caller of an application service, as an HTTP request presents it. */
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../../app/caller.ts';

export function callerOf(request: FastifyRequest): Caller {
  const userAgent = request.headers['user-agent'];
  return {
    principal: request.principal,
    sourceAddress: request.ip,
    ...(userAgent ? { userAgent } : {}),
  };
}
