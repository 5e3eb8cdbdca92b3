/**
 * How CLI commands reach the management API: in-process against the local data directory
 * (embedded mode, as the local administrator), or over HTTP against a running server
 * (`--server URL` / PURSER_URL, with PURSER_USERNAME + PURSER_PASSWORD or PURSER_TOKEN).
 * Both speak the same routes, so a command is written once. Validation problems come back in
 * the CLI's terms (the flag or argument, the value given) through the call's `fields`.
 */
import { AuthorityError, type AuthorityErrorCode, ERROR_DESCRIPTORS, Unavailable } from '../domain/errors.ts';
import { type FieldFlags, inCliTerms, precheck } from './api-fields.ts';
import { openLocalRuntime } from './local-runtime.ts';
import type { GlobalOptions } from './options.ts';

export type { GlobalOptions } from './options.ts';

export interface ApiCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** Query parameters; a list repeats the parameter. */
  readonly query?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: unknown;
  /** Which argument or flag gave each request field (`body.service` → `SERVICE`). */
  readonly fields?: FieldFlags;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Record<string, string>;
}

export async function callApi<T>(globals: GlobalOptions, call: ApiCall): Promise<T> {
  const response = await requestApi(globals, call);
  if (response.status >= 400) throw apiError(globals, call, response);
  return response.body as T;
}

/** The reply as text (configuration files, bundles, exports). */
export async function callApiText(globals: GlobalOptions, call: ApiCall): Promise<string> {
  const response = await requestApi(globals, call);
  if (response.status >= 400) throw apiError(globals, call, response);
  return response.text;
}

export async function requestApi(globals: GlobalOptions, call: ApiCall): Promise<ApiResponse> {
  precheck(call);
  const server = serverOf(globals);
  const path = withQuery(call);
  return server ? remote(server, call, path) : local(globals, call, path);
}

export function serverOf(globals: GlobalOptions): string | undefined {
  return globals.server ?? (process.env.PURSER_URL || undefined);
}

/** The Authorization header remote mode sends: PURSER_TOKEN, else PURSER_USERNAME/PURSER_PASSWORD. */
export function remoteAuthorization(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PURSER_TOKEN) return `Bearer ${env.PURSER_TOKEN}`;
  if (env.PURSER_USERNAME)
    return `Basic ${Buffer.from(`${env.PURSER_USERNAME}:${env.PURSER_PASSWORD ?? ''}`).toString('base64')}`;
  return undefined;
}

/** A 401 from a server says which variables log in, or which ones were refused. */
export function authenticationHint(server: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PURSER_TOKEN) return `${server} refused PURSER_TOKEN (expired or revoked?)`;
  if (env.PURSER_USERNAME)
    return `${server} refused PURSER_USERNAME=${env.PURSER_USERNAME} with PURSER_PASSWORD`;
  return `set PURSER_USERNAME and PURSER_PASSWORD (or PURSER_TOKEN) to log in to ${server}`;
}

function withQuery(call: ApiCall): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(call.query ?? {})) {
    if (value === undefined) continue;
    for (const v of typeof value === 'string' ? [value] : value) params.append(key, v);
  }
  const query = params.toString();
  return query ? `${call.path}?${query}` : call.path;
}

async function remote(server: string, call: ApiCall, path: string): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const authorization = remoteAuthorization();
  if (authorization) headers.authorization = authorization;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(new URL(path, server.endsWith('/') ? server : `${server}/`), {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new Unavailable(
      `cannot reach ${server}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`,
    );
  }
  const text = await response.text();
  return {
    status: response.status,
    body: parseJson(text),
    text,
    headers: Object.fromEntries(response.headers.entries()),
  };
}

async function local(globals: GlobalOptions, call: ApiCall, path: string): Promise<ApiResponse> {
  const { runtime } = await openLocalRuntime(globals);
  try {
    const { buildApp } = await import('../server/app.ts');
    const app = await buildApp({ runtime, localAdmin: true });
    try {
      const response = await app.inject({
        method: call.method,
        url: path,
        ...(call.body === undefined ? {} : { payload: call.body as object }),
        remoteAddress: '127.0.0.1',
      });
      const headers: Record<string, string> = {};
      for (const [key, value] of Object.entries(response.headers))
        if (value !== undefined) headers[key] = String(value);
      return { status: response.statusCode, body: parseJson(response.body), text: response.body, headers };
    } finally {
      await app.close();
    }
  } finally {
    await runtime.close();
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The error of a reply: its code and message, in the CLI's terms. */
export function apiError(globals: GlobalOptions, call: ApiCall, response: ApiResponse): AuthorityError {
  const first = (response.body as { errors?: { code?: string; message?: string }[] } | undefined)
    ?.errors?.[0];
  const code =
    first?.code && first.code in ERROR_DESCRIPTORS
      ? (first.code as AuthorityErrorCode)
      : statusCode(response.status);
  let message = first?.message ?? `the server answered ${response.status}`;
  const server = serverOf(globals);
  if (response.status === 401 && server) message = `${message}: ${authenticationHint(server)}`;
  else if (code === 'BAD_REQUEST') message = inCliTerms(message, call);
  return new AuthorityError(code, message);
}

function statusCode(status: number): AuthorityErrorCode {
  const match = (Object.entries(ERROR_DESCRIPTORS) as [AuthorityErrorCode, { status: number }][]).find(
    ([, d]) => d.status === status,
  );
  return match ? match[0] : 'INTERNAL';
}
