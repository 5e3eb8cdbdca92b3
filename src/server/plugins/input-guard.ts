/**
 * Refuses, before any route or authentication sees it, input no valid request carries: a NUL
 * byte in the URL (raw or `%00`), in a header, or in any string of a parsed body. PostgreSQL
 * cannot store NUL in text and SQLite truncates at it, so letting one through gave a 500 on one
 * dialect and a silent mismatch on the other. A query parameter given twice is refused too
 * (it would reach the route as a list where text is expected), except `scope`, which Docker
 * token auth repeats, and on routes whose querystring schema says what it takes.
 */
import type { FastifyInstance } from 'fastify';
import { BadRequest } from '../../domain/errors.ts';

export function installInputGuard(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const url = request.raw.url ?? '';
    if (url.includes('\u0000') || /%00/.test(url)) return done(new BadRequest('the URL contains a NUL byte'));
    for (const [name, value] of Object.entries(request.headers)) {
      if (hasNul(value)) return done(new BadRequest(`the ${name} header contains a NUL byte`));
    }
    done();
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (!request.routeOptions.schema?.querystring) {
      for (const [key, value] of Object.entries(request.query as Record<string, unknown>)) {
        if (Array.isArray(value) && key !== 'scope' && new Set(value).size > 1)
          return done(new BadRequest(`the ${key} parameter was given more than once with different values`));
        if (Array.isArray(value) && key !== 'scope')
          (request.query as Record<string, unknown>)[key] = value[0];
      }
    }
    const body: unknown = request.body;
    if (typeof body === 'object' && body !== null && hasNul(body))
      return done(new BadRequest('the body contains a NUL byte'));
    if (typeof body === 'string' && body.includes('\u0000'))
      return done(new BadRequest('the body contains a NUL byte'));
    done();
  });
}

/** Whether any string (or object key) in `value` holds a NUL; walks at most 64 levels. */
export function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => hasNul(item, depth + 1));
  for (const [key, item] of Object.entries(value)) {
    if (key.includes('\u0000') || hasNul(item, depth + 1)) return true;
  }
  return false;
}
