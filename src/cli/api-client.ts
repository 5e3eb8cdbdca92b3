/**
 * How CLI commands reach the management API: in-process against the local data directory
 * (embedded mode, as the local administrator), or over HTTP against a running server
 * (`--server URL` / PURSER_URL, with PURSER_USERNAME + PURSER_PASSWORD or PURSER_TOKEN).
 * Both speak the same routes, so a command is written once.
 */
import { prepareDataDir, resolveDataLocation } from '../config/data-dir.ts';
import { loadConfigFile } from '../config/load.ts';
import { AuthorityError, type AuthorityErrorCode, ERROR_DESCRIPTORS, Unavailable } from '../domain/errors.ts';

export interface GlobalOptions {
  readonly config?: string | undefined;
  readonly server?: string | undefined;
}

export interface ApiCall {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Record<string, string>;
}

export async function callApi(globals: GlobalOptions, call: ApiCall): Promise<unknown> {
  const response = await requestApi(globals, call);
  if (response.status >= 400) throw toError(response);
  return response.body;
}

export async function requestApi(globals: GlobalOptions, call: ApiCall): Promise<ApiResponse> {
  const server = globals.server ?? process.env.PURSER_URL;
  return server ? remote(server, call) : local(globals, call);
}

async function remote(server: string, call: ApiCall): Promise<ApiResponse> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (process.env.PURSER_TOKEN) headers.authorization = `Bearer ${process.env.PURSER_TOKEN}`;
  else if (process.env.PURSER_USERNAME) {
    headers.authorization = `Basic ${Buffer.from(`${process.env.PURSER_USERNAME}:${process.env.PURSER_PASSWORD ?? ''}`).toString('base64')}`;
  }
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(new URL(call.path, server.endsWith('/') ? server : `${server}/`), {
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

async function local(globals: GlobalOptions, call: ApiCall): Promise<ApiResponse> {
  const location = resolveDataLocation({ config: globals.config });
  const config = location.configFile ? loadConfigFile(location.configFile) : undefined;
  prepareDataDir(location);
  const { openRuntime } = await import('../server/runtime.ts');
  const { buildApp } = await import('../server/app.ts');
  const runtime = await openRuntime({
    dataDir: location.dataDir,
    databaseUrl: location.databaseUrl,
    publicUrl: config?.publicUrl ?? 'http://127.0.0.1:5001',
    mode: config?.mode ?? 'private',
    issuer: config?.token.issuer ?? 'purser',
    lifetime: config?.token.lifetime ?? 300,
  });
  try {
    const app = await buildApp({
      ctx: runtime.ctx,
      authority: runtime.authority,
      issuer: config?.token.issuer ?? 'purser',
      localAdmin: true,
    });
    try {
      const response = await app.inject({
        method: call.method,
        url: call.path,
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

function toError(response: ApiResponse): AuthorityError {
  const first = (response.body as { errors?: { code?: string; message?: string }[] } | undefined)
    ?.errors?.[0];
  const code =
    first?.code && first.code in ERROR_DESCRIPTORS
      ? (first.code as AuthorityErrorCode)
      : statusCode(response.status);
  return new AuthorityError(code, first?.message ?? `the server answered ${response.status}`);
}

function statusCode(status: number): AuthorityErrorCode {
  const match = (Object.entries(ERROR_DESCRIPTORS) as [AuthorityErrorCode, { status: number }][]).find(
    ([, d]) => d.status === status,
  );
  return match ? match[0] : 'INTERNAL';
}
