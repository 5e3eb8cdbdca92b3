/**
 * A local stand-in for Docker Hub's token server (auth.docker.io/token) and registry
 * (registry-1.docker.io) as far as the rate-limit check needs them, on 127.0.0.1 and a random port.
 * Anonymous and authenticated callers get different quotas, like the real thing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDockerHubOptions {
  /** user → password accepted by the token endpoint. */
  users: Record<string, string>;
  /** identity (refresh) token → user. */
  refreshTokens?: Record<string, string>;
  /** Headers the manifest HEAD returns, per caller (`anonymous` or the user name). */
  rate: (caller: string) => { status?: number; headers: Record<string, string> };
}

export interface FakeDockerHub {
  authUrl: string;
  registryUrl: string;
  /** Every request as `METHOD path` (query string dropped). */
  requests: string[];
  close(): Promise<void>;
}

const SCOPE = 'repository:ratelimitpreview/test:pull';

export async function startFakeDockerHub(options: FakeDockerHubOptions): Promise<FakeDockerHub> {
  const requests: string[] = [];
  const tokens = new Map<string, string>();
  let counter = 0;
  const issue = (caller: string) => {
    counter += 1;
    const token = `tok-${counter}-${caller}`;
    tokens.set(token, caller);
    return token;
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    };

    if (url.pathname === '/token' && req.method === 'GET') {
      if (
        url.searchParams.get('service') !== 'registry.docker.io' ||
        url.searchParams.get('scope') !== SCOPE
      ) {
        send(400, { details: 'wrong service or scope' });
        return;
      }
      const header = req.headers.authorization;
      if (!header) {
        send(200, { token: issue('anonymous'), expires_in: 300 });
        return;
      }
      const [user, password] = Buffer.from(header.replace(/^Basic /, ''), 'base64')
        .toString()
        .split(/:(.*)/s);
      if (!user || options.users[user] !== password) {
        send(401, { details: 'incorrect username or password' });
        return;
      }
      send(200, { token: issue(user), access_token: 'unused', expires_in: 300 });
      return;
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const user = options.refreshTokens?.[form.get('refresh_token') ?? ''];
        if (form.get('grant_type') !== 'refresh_token' || !user || form.get('scope') !== SCOPE) {
          send(401, { error: 'invalid_grant' });
          return;
        }
        send(200, { access_token: issue(user), expires_in: 300 });
      });
      return;
    }
    if (url.pathname === '/v2/ratelimitpreview/test/manifests/latest') {
      const caller = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      if (!caller) {
        send(401, { errors: [{ code: 'UNAUTHORIZED' }] }, { 'www-authenticate': 'Bearer realm="x"' });
        return;
      }
      const rate = options.rate(caller);
      send(rate.status ?? 200, {}, { 'docker-content-digest': `sha256:${'0'.repeat(64)}`, ...rate.headers });
      return;
    }
    send(404, { errors: [{ code: 'NOT_FOUND' }] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    authUrl: `http://127.0.0.1:${port}/token`,
    registryUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
