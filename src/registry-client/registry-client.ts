/**
 * A small Distribution v2 HTTP client for Purser's own calls: catalog and tags pagination,
 * manifest HEAD/GET/PUT/DELETE and blob uploads. Authentication is a bearer token Purser
 * mints for itself (a TokenSource), so no challenge round trip is needed; a registry without
 * auth simply ignores the header. Every request has a timeout and honours an abort signal.
 */
import type { ResourceActions } from '../domain/access.ts';
import { registryBaseUrl } from '../domain/registry-address.ts';
import { parseNextLink } from './link-header.ts';
import { networkReason } from './network-error.ts';
import { type FetchLike, nodeFetch } from './node-fetch.ts';
import { RegistryRequestError } from './registry-request-error.ts';

/** Returns a bearer token granting `access` on the registry (or undefined for no auth). */
export type TokenSource = (
  access: readonly ResourceActions[],
) => string | undefined | Promise<string | undefined>;

export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
].join(', ');

export interface RegistryClientOptions {
  /** Base URL, e.g. http://127.0.0.1:5000 */
  url: string;
  tokens?: TokenSource;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  userAgent?: string;
  /**
   * The registry is marked insecure: over HTTPS its certificate is not verified (a self-signed
   * or private-CA registry, as Docker's `insecure-registries` treats it).
   */
  insecure?: boolean;
}

export interface ManifestHead {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

export interface ManifestDocument extends ManifestHead {
  readonly body: Buffer;
}

export class RegistryClient {
  readonly url: string;
  readonly #tokens: TokenSource | undefined;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #userAgent: string;
  readonly #fetch: FetchLike;

  constructor(options: RegistryClientOptions) {
    this.url = registryBaseUrl(options.url);
    this.#tokens = options.tokens;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#signal = options.signal;
    this.#userAgent = options.userAgent ?? 'purser';
    this.#fetch =
      options.insecure && this.url.startsWith('https:')
        ? nodeFetch({ rejectUnauthorized: false, timeoutMs: this.#timeoutMs })
        : fetch;
  }

  /** Walks `/v2/_catalog` page by page (n/last, Link header); yields each page's names. */
  async *catalogPages(pageSize = 1000): AsyncGenerator<string[]> {
    const access: ResourceActions[] = [{ type: 'registry', name: 'catalog', actions: ['*'] }];
    let next: string | undefined = `${this.url}/v2/_catalog?n=${pageSize}`;
    const seen = new Set<string>();
    while (next) {
      if (seen.has(next))
        throw new RegistryRequestError(`registry pagination loops at ${next}`, 0, undefined);
      seen.add(next);
      const response = await this.#request('GET', next, access);
      const body = (await readJson(response)) as { repositories?: unknown };
      const names = Array.isArray(body.repositories)
        ? body.repositories.filter((n): n is string => typeof n === 'string')
        : [];
      yield names;
      next = parseNextLink(response.headers.get('link'), this.url);
    }
  }

  /** Every tag of a repository (following pagination). A registry's `"tags": null` is []. */
  async listTags(repository: string, pageSize = 1000): Promise<string[]> {
    const access: ResourceActions[] = [{ type: 'repository', name: repository, actions: ['pull'] }];
    let next: string | undefined = `${this.url}/v2/${repository}/tags/list?n=${pageSize}`;
    const tags: string[] = [];
    const seen = new Set<string>();
    while (next) {
      if (seen.has(next))
        throw new RegistryRequestError(`registry pagination loops at ${next}`, 0, undefined);
      seen.add(next);
      const response = await this.#request('GET', next, access);
      const body = (await readJson(response)) as { tags?: unknown };
      if (Array.isArray(body.tags)) for (const t of body.tags) if (typeof t === 'string') tags.push(t);
      next = parseNextLink(response.headers.get('link'), this.url);
    }
    return tags;
  }

  /** HEAD a manifest by tag or digest; undefined when it does not exist. */
  async headManifest(repository: string, reference: string): Promise<ManifestHead | undefined> {
    const response = await this.#manifest('HEAD', repository, reference);
    if (!response) return undefined;
    const digest = response.headers.get('docker-content-digest');
    if (!digest)
      throw new RegistryRequestError(
        `registry sent no Docker-Content-Digest for ${repository}:${reference}`,
        response.status,
        undefined,
      );
    return {
      digest,
      mediaType: response.headers.get('content-type') ?? '',
      size: Number(response.headers.get('content-length') ?? 0),
    };
  }

  async getManifest(repository: string, reference: string): Promise<ManifestDocument | undefined> {
    const response = await this.#manifest('GET', repository, reference);
    if (!response) return undefined;
    const body = Buffer.from(await response.arrayBuffer());
    return {
      digest: response.headers.get('docker-content-digest') ?? '',
      mediaType: response.headers.get('content-type') ?? '',
      size: body.length,
      body,
    };
  }

  /** A manifest request with pull access; undefined when the registry says it does not exist. */
  async #manifest(
    method: 'HEAD' | 'GET',
    repository: string,
    reference: string,
  ): Promise<Response | undefined> {
    const access: ResourceActions[] = [{ type: 'repository', name: repository, actions: ['pull'] }];
    try {
      return await this.#request(method, `${this.url}/v2/${repository}/manifests/${reference}`, access, {
        headers: { accept: MANIFEST_ACCEPT },
      });
    } catch (error) {
      if (error instanceof RegistryRequestError && error.notFound) return undefined;
      throw error;
    }
  }

  /** PUT a manifest under a tag or digest; returns the digest the registry computed. */
  async putManifest(repository: string, reference: string, mediaType: string, body: Buffer): Promise<string> {
    const access: ResourceActions[] = [{ type: 'repository', name: repository, actions: ['pull', 'push'] }];
    const response = await this.#request(
      'PUT',
      `${this.url}/v2/${repository}/manifests/${reference}`,
      access,
      {
        headers: { 'content-type': mediaType },
        body,
      },
    );
    await response.arrayBuffer();
    return response.headers.get('docker-content-digest') ?? '';
  }

  /** DELETE a manifest by digest (removes every tag that points to it). */
  async deleteManifest(repository: string, digest: string): Promise<void> {
    const access: ResourceActions[] = [{ type: 'repository', name: repository, actions: ['delete'] }];
    const response = await this.#request(
      'DELETE',
      `${this.url}/v2/${repository}/manifests/${digest}`,
      access,
    );
    await response.arrayBuffer();
  }

  /**
   * Whether the registry accepts manifest deletes: deleting a digest that cannot exist answers
   * 405 UNSUPPORTED when `storage.delete.enabled` is off and 404 when it is on.
   */
  async deleteSupported(repository: string): Promise<boolean> {
    try {
      await this.deleteManifest(repository, `sha256:${'0'.repeat(64)}`);
      return true;
    } catch (error) {
      if (error instanceof RegistryRequestError) {
        if (error.httpStatus === 405 || error.registryCode === 'UNSUPPORTED') return false;
        if (error.notFound) return true;
      }
      throw error;
    }
  }

  /** Uploads a blob (POST then PUT with the digest) unless the registry already has it. */
  async pushBlob(repository: string, digest: string, content: Buffer): Promise<void> {
    const access: ResourceActions[] = [{ type: 'repository', name: repository, actions: ['pull', 'push'] }];
    try {
      const head = await this.#request('HEAD', `${this.url}/v2/${repository}/blobs/${digest}`, access);
      await head.arrayBuffer();
      return;
    } catch (error) {
      if (!(error instanceof RegistryRequestError && error.notFound)) throw error;
    }
    const start = await this.#request('POST', `${this.url}/v2/${repository}/blobs/uploads/`, access);
    await start.arrayBuffer();
    const location = start.headers.get('location');
    if (!location)
      throw new RegistryRequestError('registry sent no upload Location', start.status, undefined);
    const target = new URL(location, this.url);
    target.searchParams.set('digest', digest);
    const put = await this.#request('PUT', target.toString(), access, {
      headers: { 'content-type': 'application/octet-stream' },
      body: content,
    });
    await put.arrayBuffer();
  }

  async #request(
    method: string,
    url: string,
    access: readonly ResourceActions[],
    init: { headers?: Record<string, string>; body?: Buffer } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { 'user-agent': this.#userAgent, ...init.headers };
    const token = this.#tokens ? await this.#tokens(access) : undefined;
    if (token) headers.authorization = `Bearer ${token}`;
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout;
    const what = `${method} ${new URL(url).pathname}`;
    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers, body: init.body, signal, redirect: 'follow' });
    } catch (error) {
      const reason = timeout.aborted ? `timed out after ${this.#timeoutMs} ms` : networkReason(error);
      throw new RegistryRequestError(`registry ${this.url} did not answer ${what}: ${reason}`, 0, undefined, {
        cause: error,
      });
    }
    if (response.ok) return response;
    let code: string | undefined;
    let message = '';
    try {
      const text = method === 'HEAD' ? '' : await response.text();
      const parsed = text ? (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }) : {};
      code = parsed.errors?.[0]?.code;
      message = parsed.errors?.[0]?.message ?? '';
    } catch {
      // not an errcode body
    }
    throw new RegistryRequestError(
      `registry ${this.url} answered ${what} with ${response.status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`,
      response.status,
      code,
    );
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RegistryRequestError(
      `registry sent invalid JSON for ${response.url}`,
      response.status,
      undefined,
      { cause: error },
    );
  }
}
