/**
 * The loopback redirect of RFC 8252 §7.3, for `purser login --sso` when the provider has no
 * device endpoint: the CLI listens on 127.0.0.1 (a port the kernel picks), the provider sends the
 * browser back to `http://127.0.0.1:PORT/callback?code=…&state=…`, and the CLI gets that URL.
 *
 * Only a callback carrying the expected `state` ends the wait (anything else on that port gets a
 * 400 and is ignored), the listener accepts nothing but loopback connections, and it closes once
 * the callback came, the timeout passed, or the signal aborted.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackReceiver {
  /** `http://127.0.0.1:PORT/callback`: the redirect_uri to send to the provider. */
  readonly redirectUri: string;
  /** Resolves with the full callback URL; rejects on timeout or abort. */
  readonly callback: Promise<URL>;
  close(): void;
}

const PAGE = (message: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>Purser</title></head><body><p>${message}</p></body></html>`;

export async function startLoopbackReceiver(options: {
  expectedState: () => string | undefined;
  timeoutMs: number;
  signal?: AbortSignal;
}): Promise<LoopbackReceiver> {
  let port = 0;
  let settle: { resolve: (url: URL) => void; reject: (error: Error) => void } | undefined;
  const callback = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject };
  });
  callback.catch(() => {});
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const state = options.expectedState();
    const fine =
      url.pathname === '/callback' && state !== undefined && url.searchParams.get('state') === state;
    response.setHeader('Content-Type', 'text/html; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    if (!fine) {
      response.statusCode = 400;
      response.end(PAGE('This is not the login Purser is waiting for.'));
      return;
    }
    const ok = !url.searchParams.has('error');
    response.end(
      PAGE(
        ok ? 'Logged in. You can close this window and return to the terminal.' : 'The login was refused.',
      ),
    );
    finish();
    settle?.resolve(new URL(`${url.pathname}${url.search}`, `http://127.0.0.1:${port}`));
  });
  const finish = () => {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    server.close();
    server.closeAllConnections();
  };
  const onAbort = () => {
    finish();
    settle?.reject(new Error('the login was cancelled'));
  };
  const timer = setTimeout(() => {
    finish();
    settle?.reject(new Error(`no login within ${options.timeoutMs / 1000} s`));
  }, options.timeoutMs);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  port = (server.address() as AddressInfo).port;
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    callback,
    close: () => {
      finish();
      settle?.reject(new Error('the login was cancelled'));
    },
  };
}
