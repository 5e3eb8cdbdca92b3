/**
 * The Secret endpoints of the Kubernetes API, the only ones `purser refresh` needs, through
 * @kubernetes/client-node's CoreV1Api (read, create, replace).
 *
 * The 1.x line is used: 2.x loads undici 8, which fails at import on Node 20. The client is
 * handed the connection that kubeconfig.ts already read and checked (server, CA, TLS name,
 * token or client certificate) instead of its own kubeconfig loader, because that loader would
 * run exec plugins and auth-providers, and Purser runs no external command for a refresh.
 */
import {
  ApiException,
  type ConfigurationOptions,
  CoreV1Api,
  KubeConfig,
  Observable,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type V1Secret,
} from '@kubernetes/client-node';
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
  };
  type: string;
  data: Record<string, string>;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export class KubeSecretClient {
  readonly #api: CoreV1Api;
  readonly #server: string;
  readonly #timeoutMs: number;

  constructor(connection: KubeConnection, timeoutMs = 15_000) {
    this.#server = connection.server;
    this.#timeoutMs = timeoutMs;
    this.#api = kubeConfigOf(connection).makeApiClient(CoreV1Api);
  }

  async get(namespace: string, name: string): Promise<SecretObject | undefined> {
    check(namespace, name);
    try {
      return fromModel(await this.#api.readNamespacedSecret({ namespace, name }, this.#options()));
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw this.#failure(error, 'read');
    }
  }

  async create(namespace: string, secret: SecretObject): Promise<SecretObject> {
    check(namespace, secret.metadata.name);
    try {
      return fromModel(await this.#api.createNamespacedSecret({ namespace, body: secret }, this.#options()));
    } catch (error) {
      throw this.#failure(error, 'create');
    }
  }

  async replace(namespace: string, secret: SecretObject): Promise<SecretObject> {
    const name = secret.metadata.name;
    check(namespace, name);
    try {
      return fromModel(
        await this.#api.replaceNamespacedSecret({ namespace, name, body: secret }, this.#options()),
      );
    } catch (error) {
      throw this.#failure(error, 'replace');
    }
  }

  /** A deadline per call: the generated client sets none. */
  #options(): ConfigurationOptions {
    const timeoutMs = this.#timeoutMs;
    const deadline: ObservableMiddleware = {
      pre: (context: RequestContext) => {
        context.setSignal(AbortSignal.timeout(timeoutMs));
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    };
    return { middleware: [deadline], middlewareMergeStrategy: 'append' };
  }

  #failure(error: unknown, action: string): Error {
    if (error instanceof ApiException) {
      const code = error.code;
      const message = statusMessage(error.body);
      const text = `the API server refused to ${action} the Secret: HTTP ${code}${message ? ` ${message.slice(0, 300)}` : ''}`;
      if (code === 409) return new Conflict(text);
      if (code === 404) return new NotFound(text);
      if (code === 401 || code === 403) return new Denied(text);
      return new Unavailable(text);
    }
    const origin = new URL(this.#server).origin;
    const failure = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
    if (failure.name === 'AbortError' || failure.name === 'TimeoutError')
      return new Unavailable(`the API server at ${origin} did not answer within ${this.#timeoutMs} ms`);
    const code = failure.code ?? failure.cause?.code ?? failure.message ?? 'unknown error';
    const untrusted = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code);
    return new Unavailable(
      untrusted
        ? `the API server at ${origin} presented a certificate we do not trust (${code}): give certificate-authority or certificate-authority-data in the kubeconfig`
        : `cannot reach the API server at ${origin}: ${code}`,
    );
  }
}

function kubeConfigOf(c: KubeConnection): KubeConfig {
  const base64 = (bytes: Buffer | undefined) => (bytes ? bytes.toString('base64') : undefined);
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'purser',
        server: c.server,
        // client-node refuses an http:// server unless this is set, where kubectl (and
        // `kubectl proxy`'s http://127.0.0.1:8001) take it as it is; plain HTTP has no TLS to skip.
        skipTLSVerify: c.insecureSkipTlsVerify || c.server.startsWith('http:'),
        ...(c.ca ? { caData: base64(c.ca) } : {}),
        ...(c.tlsServerName ? { tlsServerName: c.tlsServerName } : {}),
      },
    ],
    users: [
      {
        name: 'purser',
        ...(c.token ? { token: c.token } : {}),
        ...(c.basic ? { username: c.basic.username, password: c.basic.password } : {}),
        ...(c.cert ? { certData: base64(c.cert) } : {}),
        ...(c.key ? { keyData: base64(c.key) } : {}),
      },
    ],
    contexts: [{ name: 'purser', cluster: 'purser', user: 'purser', namespace: c.namespace }],
    currentContext: 'purser',
  });
  return config;
}

function fromModel(secret: V1Secret): SecretObject {
  const metadata = secret.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: metadata.name ?? '',
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      ...(metadata.resourceVersion ? { resourceVersion: metadata.resourceVersion } : {}),
      ...(metadata.labels ? { labels: metadata.labels } : {}),
      ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
    },
    type: secret.type ?? 'Opaque',
    data: secret.data ?? {},
  };
}

/** The `message` of the API server's `Status` body, which the client hands over as text. */
function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function check(namespace: string, name: string): void {
  if (!NAME.test(namespace)) throw new TypeError(`invalid namespace ${namespace}`);
  if (!NAME.test(name)) throw new TypeError(`invalid Secret name ${name}`);
}
