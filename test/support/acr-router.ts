/**
 * One loopback address that behaves like an ACR login server for tests: `/oauth2/*` goes to
 * the fake Azure endpoints (the token exchange), everything else to a real docker-registry, so
 * the address a credential is stored under both mints the token and serves the pull.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AcrRouter {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  close(): Promise<void>;
}

export async function startAcrRouter(azureUrl: string, registryUrl: string): Promise<AcrRouter> {
  const azure = new URL(azureUrl);
  const registry = new URL(registryUrl);
  const server = http.createServer((request, response) => {
    const target = (request.url ?? '/').startsWith('/oauth2/') ? azure : registry;
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: target.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forward.on('error', () => {
      response.writeHead(502);
      response.end();
    });
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
