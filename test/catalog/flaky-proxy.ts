/**
 * A loopback HTTP proxy in front of a registry that fails on demand: a test decides per request
 * (method + path) whether to pass it through, answer 500/503, or cut the connection. Used to
 * show that discovery survives a registry failing mid-crawl.
 */
import http from 'node:http';

export type Verdict = 'pass' | 500 | 503 | 'reset';

export interface FlakyProxy {
  readonly url: string;
  /** Decides each request; default passes everything. */
  decide: (method: string, path: string, count: number) => Verdict;
  /** Requests seen so far. */
  readonly count: number;
  close(): Promise<void>;
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const upstream = new URL(target);
  let count = 0;
  const proxy: { decide: FlakyProxy['decide'] } = { decide: () => 'pass' };
  const server = http.createServer((request, response) => {
    count++;
    const verdict = proxy.decide(request.method ?? 'GET', request.url ?? '/', count);
    if (verdict === 'reset') {
      request.socket.destroy();
      return;
    }
    if (verdict !== 'pass') {
      response.writeHead(verdict, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: 'flaky proxy says no' }] }));
      return;
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
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
    get decide() {
      return proxy.decide;
    },
    set decide(fn) {
      proxy.decide = fn;
    },
    get count() {
      return count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
