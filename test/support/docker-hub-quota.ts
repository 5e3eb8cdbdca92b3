/**
 * Docker Hub's pull quota in front of a real registry: a loopback proxy that counts each
 * manifest GET as a pull (a HEAD is free, as on Docker Hub), adds `ratelimit-limit`,
 * `ratelimit-remaining` (`N;w=21600`) and `docker-ratelimit-source` to manifest answers, and
 * answers `429 TOOMANYREQUESTS` once the quota is spent. It also stands in for the two endpoints
 * `purser ratelimit` asks: `GET /token` (auth.docker.io, Basic auth with the one account) and
 * `HEAD /v2/ratelimitpreview/test/manifests/latest` (the quota, without counting a pull).
 * One quota for every caller: the stand-in has one account.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';

export const QUOTA_WINDOW_SECONDS = 21_600;

export interface DockerHubQuota {
  readonly url: string;
  /** Manifest GETs counted against the quota (429s included, as Docker Hub counts attempts). */
  readonly pulls: number;
  readonly remaining: number;
  /** Manifest requests by method, as seen (HEAD and GET). */
  readonly manifestRequests: { readonly get: number; readonly head: number };
  close(): Promise<void>;
}

export async function startDockerHubQuota(options: {
  target: string;
  limit: number;
  account: { username: string; password: string };
  source: string;
}): Promise<DockerHubQuota> {
  const upstream = new URL(options.target);
  const tokens = new Set<string>();
  const state = { pulls: 0, get: 0, head: 0 };
  const remaining = () => Math.max(0, options.limit - state.pulls);
  const quotaHeaders = () => ({
    'ratelimit-limit': `${options.limit};w=${QUOTA_WINDOW_SECONDS}`,
    'ratelimit-remaining': `${remaining()};w=${QUOTA_WINDOW_SECONDS}`,
    'docker-ratelimit-source': options.source,
  });
  const expected = `Basic ${Buffer.from(`${options.account.username}:${options.account.password}`).toString('base64')}`;

  const server = http.createServer((request, response) => {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    if (path.startsWith('/token')) {
      if (request.headers.authorization !== expected) {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ token, expires_in: 300 }));
      return;
    }
    if (path === '/v2/ratelimitpreview/test/manifests/latest') {
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      response.writeHead(bearer && tokens.has(bearer) ? 200 : 401, {
        ...quotaHeaders(),
        'content-type': 'application/vnd.docker.distribution.manifest.v2+json',
      });
      response.end();
      return;
    }
    const manifest = /^\/v2\/.+\/manifests\/[^/]+$/.test(path.split('?')[0] ?? '');
    if (manifest && method === 'HEAD') state.head++;
    if (manifest && method === 'GET') {
      state.get++;
      // A request without a token is answered 401 by the registry and costs nothing.
      if (request.headers.authorization) {
        if (remaining() === 0) {
          state.pulls++;
          response.writeHead(429, { ...quotaHeaders(), 'content-type': 'application/json' });
          response.end(
            JSON.stringify({
              errors: [
                {
                  code: 'TOOMANYREQUESTS',
                  message:
                    'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading',
                },
              ],
            }),
          );
          return;
        }
        state.pulls++;
      }
    }
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method, path, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          ...(manifest ? quotaHeaders() : {}),
        });
        answer.pipe(response);
      },
    );
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get pulls() {
      return state.pulls;
    },
    get remaining() {
      return remaining();
    },
    get manifestRequests() {
      return { get: state.get, head: state.head };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
