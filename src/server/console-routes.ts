/**
 * The web console (built from web/ by `npm run build` into dist/console/) at /console/, on the
 * same port as the API it calls; `/` redirects there. Every console response carries a strict
 * Content-Security-Policy: only Purser's own scripts, styles and API, no inline script, no
 * framing, so an injected string cannot become code. Unknown paths under /console/ get the
 * page itself (the console routes in the browser).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Unavailable } from '../domain/errors.ts';

export const CONSOLE_PREFIX = '/console/';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** dist/console next to the compiled server (dist/server), or the build output when run from src/. */
export function consoleRoot(): string | undefined {
  for (const candidate of ['../console/', '../../dist/console/']) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return undefined;
}

function secure(reply: FastifyReply): void {
  reply
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY')
    .header('cross-origin-opener-policy', 'same-origin');
}

export async function consoleRoutes(
  app: FastifyInstance,
  root: string | undefined = consoleRoot(),
): Promise<void> {
  app.get('/', async (_request, reply) => reply.redirect(CONSOLE_PREFIX, 302));
  if (!root) {
    app.get('/console/*', async () => {
      throw new Unavailable(
        'the console is not built: run `npm run build` (it builds web/ into dist/console)',
      );
    });
    return;
  }
  await app.register(async (scope) => {
    scope.addHook('onSend', async (request, reply, payload) => {
      secure(reply);
      // Hashed assets never change; the page itself is always asked again.
      if (request.url.startsWith(`${CONSOLE_PREFIX}assets/`))
        reply.header('cache-control', 'public, max-age=31536000, immutable');
      else reply.header('cache-control', 'no-cache');
      return payload;
    });
    await scope.register(fastifyStatic, {
      root,
      prefix: CONSOLE_PREFIX,
      index: 'index.html',
      wildcard: false,
      decorateReply: true,
    });
    scope.get('/console', async (_request, reply) => reply.redirect(CONSOLE_PREFIX, 301));
    scope.get('/console/*', async (_request, reply) => reply.sendFile('index.html'));
  });
}
