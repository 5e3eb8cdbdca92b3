/**
 * The shared part of the fake cloud endpoints (fake-ecr.ts, fake-google.ts, fake-azure.ts): a
 * loopback HTTP server that reads each request body, can be taken down (`down = true` answers
 * 503 to everything), and counts requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body: string;
  readonly contentType?: string;
}

export interface FakeEndpoint {
  readonly url: string;
  /** While true every request gets a 503. */
  down: boolean;
  /** Requests served so far (also while down). */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startFakeEndpoint(
  handle: (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>,
  downAnswer: FakeAnswer = json(503, { error: 'temporarily_unavailable' }),
): Promise<FakeEndpoint> {
  let requests = 0;
  const state = { down: false };
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      const fake: FakeRequest = {
        method: request.method ?? 'GET',
        path: request.url ?? '/',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      Promise.resolve(state.down ? downAnswer : handle(fake))
        .catch((error: unknown) => json(500, { error: 'server_error', error_description: String(error) }))
        .then((answer) => {
          response.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' });
          response.end(answer.body);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get down() {
      return state.down;
    },
    set down(value) {
      state.down = value;
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(status: number, value: unknown, contentType = 'application/json'): FakeAnswer {
  return { status, body: JSON.stringify(value), contentType };
}

export function form(body: string): URLSearchParams {
  return new URLSearchParams(body);
}

/** `Object.assign` that keeps getters and setters live (assign would copy their current values). */
export function extendEndpoint<T extends object>(endpoint: FakeEndpoint, extra: T): FakeEndpoint & T {
  return Object.defineProperties(endpoint, Object.getOwnPropertyDescriptors(extra)) as FakeEndpoint & T;
}
