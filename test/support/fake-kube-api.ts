/**
 * A local Kubernetes API server for the Secret endpoints only: GET/PUT/DELETE
 * `/api/v1/namespaces/{ns}/secrets/{name}` and POST `/api/v1/namespaces/{ns}/secrets`, with
 * bearer-token auth, resourceVersion optimistic concurrency (409 on a stale version), 409
 * AlreadyExists, 422 on a type change, and `Status` error bodies as the real server sends.
 * Like the real server it answers 406 to a client that does not accept JSON and 415 to a body
 * that is not JSON or YAML (what @kubernetes/client-node sends is recorded in `calls`).
 * HTTPS when given a certificate.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface StoredSecret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: {
    name: string;
    namespace: string;
    resourceVersion: string;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  type: string;
  data: Record<string, string>;
}

export interface FakeKubeApi {
  readonly url: string;
  readonly secrets: Map<string, StoredSecret>;
  /** Method and path of each request, with the body's content type when it has one. */
  readonly calls: string[];
  /** Hold every answer back this long (to test the client's deadline). */
  stallMs: number;
  /** Answer the next PUT with a 409, as if someone wrote in between. */
  conflictNextPut: boolean;
  close(): Promise<void>;
}

export async function startFakeKubeApi(options: {
  token: string;
  tls?: { certFile: string; keyFile: string };
}): Promise<FakeKubeApi> {
  const secrets = new Map<string, StoredSecret>();
  const calls: string[] = [];
  let version = 100;
  const state = { conflictNextPut: false, stallMs: 0 };
  const status = (code: number, reason: string, message: string) => ({
    code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
  });

  const handle = (
    method: string,
    path: string,
    headers: http.IncomingHttpHeaders,
    body: string,
  ): { code: number; body: unknown } => {
    if (headers.authorization !== `Bearer ${options.token}`)
      return status(401, 'Unauthorized', 'Unauthorized');
    const accept = headers.accept ?? '*/*';
    if (!/application\/json|\*\/\*/.test(accept))
      return status(406, 'NotAcceptable', `only the following media types are accepted: application/json`);
    const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim();
    if (body && contentType !== 'application/json' && contentType !== 'application/yaml')
      return status(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
      );
    const match = /^\/api\/v1\/namespaces\/([a-z0-9-]+)\/secrets(?:\/([a-z0-9.-]+))?$/.exec(path);
    if (!match) return status(404, 'NotFound', 'the server could not find the requested resource');
    const [, namespace, name] = match as unknown as [string, string, string | undefined];
    const key = `${namespace}/${name}`;
    const existing = name ? secrets.get(key) : undefined;
    if (method === 'GET' && name)
      return existing
        ? { code: 200, body: existing }
        : status(404, 'NotFound', `secrets "${name}" not found`);
    const incoming = body ? (JSON.parse(body) as StoredSecret) : undefined;
    if (method === 'POST' && !name && incoming) {
      const newKey = `${namespace}/${incoming.metadata.name}`;
      if (secrets.has(newKey))
        return status(409, 'AlreadyExists', `secrets "${incoming.metadata.name}" already exists`);
      const created = {
        ...incoming,
        metadata: { ...incoming.metadata, namespace, resourceVersion: String(++version) },
      };
      secrets.set(newKey, created);
      return { code: 201, body: created };
    }
    if (method === 'PUT' && name && incoming) {
      if (!existing) return status(404, 'NotFound', `secrets "${name}" not found`);
      if (state.conflictNextPut) {
        state.conflictNextPut = false;
        version++;
        existing.metadata.resourceVersion = String(version);
      }
      if (incoming.metadata.resourceVersion !== existing.metadata.resourceVersion)
        return status(
          409,
          'Conflict',
          `Operation cannot be fulfilled on secrets "${name}": the object has been modified`,
        );
      if (incoming.type !== existing.type)
        return status(422, 'Invalid', `Secret "${name}" is invalid: type: field is immutable`);
      const replaced = {
        ...incoming,
        metadata: { ...incoming.metadata, namespace, resourceVersion: String(++version) },
      };
      secrets.set(key, replaced);
      return { code: 200, body: replaced };
    }
    return status(405, 'MethodNotAllowed', 'method not allowed');
  };

  const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const type = request.headers['content-type'];
      calls.push(`${request.method} ${request.url}${body && type ? ` ${type}` : ''}`);
      const answer = handle(request.method ?? 'GET', request.url ?? '/', request.headers, body);
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.code, { 'content-type': 'application/json' });
        response.end(JSON.stringify(answer.body));
      };
      if (state.stallMs > 0) setTimeout(send, state.stallMs).unref();
      else send();
    });
  };
  const server = options.tls
    ? https.createServer(
        { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
        listener,
      )
    : http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    secrets,
    calls,
    get conflictNextPut() {
      return state.conflictNextPut;
    },
    set conflictNextPut(value) {
      state.conflictNextPut = value;
    },
    get stallMs() {
      return state.stallMs;
    },
    set stallMs(value) {
      state.stallMs = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
