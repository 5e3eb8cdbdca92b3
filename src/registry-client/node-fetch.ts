/**
 * A fetch over node:http/https for what Node's global fetch cannot do without undici's
 * dispatcher: skip certificate verification (registries marked `insecure`, as Docker treats
 * them) or trust one extra CA. It buffers whole bodies, which suits registry API calls
 * (pings, tokens, catalogs, manifests, small blobs); it honours an abort signal and follows up
 * to five redirects when asked to.
 */
import http from 'node:http';
import https from 'node:https';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface NodeFetchSettings {
  readonly rejectUnauthorized: boolean;
  readonly timeoutMs: number;
  readonly ca?: string | undefined;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export function nodeFetch(settings: NodeFetchSettings): FetchLike {
  return async (url, init = {}) => {
    let target = url;
    let method = init.method ?? 'GET';
    let body = bodyBytes(init.body);
    for (let hop = 0; ; hop++) {
      const response = await once(settings, target, method, init, body);
      const location = response.headers.get('location');
      if (init.redirect !== 'follow' || !REDIRECTS.has(response.status) || !location) return response;
      if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
      await response.arrayBuffer();
      target = new URL(location, target).toString();
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
      }
    }
  };
}

function bodyBytes(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('nodeFetch sends string, Buffer, Uint8Array or ArrayBuffer bodies only');
}

function once(
  settings: NodeFetchSettings,
  url: string,
  method: string,
  init: RequestInit,
  body: Buffer | undefined,
): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const target = new URL(url);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, key) => {
      headers[key] = value;
    });
    if (body !== undefined) headers['content-length'] = String(body.length);
    const module = target.protocol === 'https:' ? https : http;
    const req = module.request(
      target,
      {
        method,
        headers,
        timeout: settings.timeoutMs,
        rejectUnauthorized: settings.rejectUnauthorized,
        ...(settings.ca ? { ca: settings.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          signal?.removeEventListener('abort', onAbort);
          const responseHeaders = new Headers();
          for (const [key, value] of Object.entries(res.headers)) {
            if (Array.isArray(value)) for (const v of value) responseHeaders.append(key, v);
            else if (value !== undefined) responseHeaders.set(key, value);
          }
          const status = res.statusCode ?? 0;
          const nullBody = status === 204 || status === 304 || method === 'HEAD';
          resolve(
            new Response(nullBody ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage ?? '',
              headers: responseHeaders,
            }),
          );
        });
      },
    );
    const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${settings.timeoutMs} ms`)));
    req.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    req.end(body);
  });
}
