/**
 * The Secret endpoints of the Kubernetes API (`/api/v1/namespaces/{ns}/secrets[/{name}]`), the
 * only ones `purser refresh` needs, over node:http/https with the kubeconfig's TLS settings.
 * @kubernetes/client-node is not used: its 2.x line needs Node 22 (undici 8 fails to load on
 * Node 20) and its 1.x line ships @types/node 22/24 as a runtime dependency.
 */
import http from 'node:http';
import https from 'node:https';
import { Conflict, Denied, NotFound, Unavailable } from '../domain/errors.ts';
import type { KubeConnection } from './kubeconfig.ts';

export interface SecretObject {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  type: string;
  data: Record<string, string>;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export class KubeSecretClient {
  constructor(
    readonly connection: KubeConnection,
    readonly timeoutMs = 15_000,
  ) {}

  async get(namespace: string, name: string): Promise<SecretObject | undefined> {
    const answer = await this.#call('GET', secretPath(namespace, name));
    if (answer.status === 404) return undefined;
    return this.#expect(answer, 'read') as SecretObject;
  }

  async create(namespace: string, secret: SecretObject): Promise<SecretObject> {
    return this.#expect(await this.#call('POST', secretPath(namespace), secret), 'create') as SecretObject;
  }

  async replace(namespace: string, secret: SecretObject): Promise<SecretObject> {
    const answer = await this.#call('PUT', secretPath(namespace, secret.metadata.name), secret);
    return this.#expect(answer, 'replace') as SecretObject;
  }

  #expect(answer: { status: number; body: unknown }, action: string): unknown {
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    const message = (answer.body as { message?: unknown } | undefined)?.message;
    const text = `the API server refused to ${action} the Secret: HTTP ${answer.status}${typeof message === 'string' ? ` ${message.slice(0, 300)}` : ''}`;
    if (answer.status === 409) throw new Conflict(text);
    if (answer.status === 404) throw new NotFound(text);
    if (answer.status === 401 || answer.status === 403) throw new Denied(text);
    throw new Unavailable(text);
  }

  #call(method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const c = this.connection;
    const url = new URL(`${c.server}${route}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), 'utf8');
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'purser-refresh' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (c.token) headers.authorization = `Bearer ${c.token}`;
    else if (c.basic)
      headers.authorization = `Basic ${Buffer.from(`${c.basic.username}:${c.basic.password}`).toString('base64')}`;
    const secure = url.protocol === 'https:';
    const options: https.RequestOptions = {
      method,
      headers,
      timeout: this.timeoutMs,
      ...(secure
        ? {
            ca: c.ca,
            cert: c.cert,
            key: c.key,
            rejectUnauthorized: !c.insecureSkipTlsVerify,
            ...(c.tlsServerName ? { servername: c.tlsServerName } : {}),
          }
        : {}),
    };
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(url, options, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        const untrusted = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code);
        reject(
          new Unavailable(
            untrusted
              ? `the API server at ${url.origin} presented a certificate we do not trust (${code}): give certificate-authority or certificate-authority-data in the kubeconfig`
              : `cannot reach the API server at ${url.origin}: ${code}`,
          ),
        );
      });
      request.end(payload);
    });
  }
}

function secretPath(namespace: string, name?: string): string {
  if (!NAME.test(namespace)) throw new TypeError(`invalid namespace ${namespace}`);
  if (name !== undefined && !NAME.test(name)) throw new TypeError(`invalid Secret name ${name}`);
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}
