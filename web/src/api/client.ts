/**
 * The console's one way to the server: typed by the operations generated from the OpenAPI
 * document (operations.gen.ts) and the server's own reply types (responses.ts). The session
 * cookie goes with every call (same origin); the CSRF token is kept in memory only (never in
 * localStorage) and sent on every state-changing call. Errors carry the server's message.
 */
import { OPERATIONS, type Operations } from './operations.gen.ts';
import type { Responses } from './responses.ts';

export type OperationId = keyof Operations;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Args<K extends OperationId> = (Operations[K]['params'] extends Record<string, never>
  ? { params?: undefined }
  : { params: Operations[K]['params'] }) &
  (Operations[K]['body'] extends undefined ? { body?: undefined } : { body: Operations[K]['body'] }) & {
    query?: Partial<Operations[K]['query']>;
  };

let csrfToken: string | undefined;
let sessionEnded: (() => void) | undefined;

/** Called when a call is answered 401 after sign-in: the session has ended on the server. */
export function onSessionEnded(handler: (() => void) | undefined): void {
  sessionEnded = handler;
}

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** The URL of an operation (also for downloads, which the browser fetches with the cookie). */
export function urlOf<K extends OperationId>(id: K, args: Omit<Args<K>, 'body'>): string {
  const { path } = OPERATIONS[id];
  const params = (args.params ?? {}) as Record<string, string>;
  let url: string = path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) =>
    encodeURIComponent(params[name] ?? ''),
  );
  // A repository name keeps its slashes; each segment is encoded.
  if (url.endsWith('*'))
    url = url.replace(/\*$/, (params['*'] ?? '').split('/').map(encodeURIComponent).join('/'));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((args.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const search = query.toString();
  return search ? `${url}?${search}` : url;
}

export async function call<K extends OperationId>(id: K, args: Args<K>): Promise<Responses<K>> {
  const { method } = OPERATIONS[id];
  const headers: Record<string, string> = { 'x-purser-console': '1', accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-purser-csrf'] = csrfToken;
  if (args.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(urlOf(id, args), {
      method,
      headers,
      credentials: 'same-origin',
      ...(args.body === undefined ? {} : { body: JSON.stringify(args.body) }),
    });
  } catch {
    throw new ApiError(0, 'UNAVAILABLE', 'Purser cannot be reached: check the network and try again');
  }
  if (response.status === 204) return undefined as Responses<K>;
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : safeJson(text);
  if (response.status === 401 && id !== 'postSession' && id !== 'getSession') sessionEnded?.();
  if (!response.ok) {
    const first = (parsed as { errors?: { code?: string; message?: string }[] } | undefined)?.errors?.[0];
    throw new ApiError(
      response.status,
      first?.code ?? 'UNKNOWN',
      first?.message ?? `the server answered ${response.status} ${response.statusText}`,
    );
  }
  return (parsed ?? text) as Responses<K>;
}

/** A text reply (downloads shown in the page, NDJSON progress). */
export async function callText<K extends OperationId>(id: K, args: Args<K>): Promise<string> {
  const response = await fetch(urlOf(id, args), {
    method: OPERATIONS[id].method,
    headers: { 'x-purser-console': '1', ...(csrfToken ? { 'x-purser-csrf': csrfToken } : {}) },
    credentials: 'same-origin',
  });
  const text = await response.text();
  if (!response.ok) {
    const first = (safeJson(text) as { errors?: { code?: string; message?: string }[] } | undefined)
      ?.errors?.[0];
    throw new ApiError(
      response.status,
      first?.code ?? 'UNKNOWN',
      first?.message ?? `status ${response.status}`,
    );
  }
  return text;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A call answered with JSON lines (NDJSON progress of long work): `onLine` gets each line as it
 * arrives; resolves when the reply ends.
 */
export async function callLines<K extends OperationId>(
  id: K,
  args: Args<K>,
  onLine: (line: unknown) => void,
): Promise<void> {
  const { method } = OPERATIONS[id];
  const response = await fetch(urlOf(id, args), {
    method,
    headers: {
      'x-purser-console': '1',
      ...(method !== 'GET' && csrfToken ? { 'x-purser-csrf': csrfToken } : {}),
    },
    credentials: 'same-origin',
  });
  if (!response.ok || !response.body) {
    const text = await response.text();
    if (response.status === 401) sessionEnded?.();
    const first = (safeJson(text) as { errors?: { code?: string; message?: string }[] } | undefined)
      ?.errors?.[0];
    throw new ApiError(
      response.status,
      first?.code ?? 'UNKNOWN',
      first?.message ?? `status ${response.status}`,
    );
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += value;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') onLine(safeJson(line));
      newline = buffered.indexOf('\n');
    }
    if (done) break;
  }
  if (buffered.trim() !== '') onLine(safeJson(buffered.trim()));
}
