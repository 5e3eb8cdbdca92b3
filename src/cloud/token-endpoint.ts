/**
 * One form POST to an OAuth2-style token endpoint (Google's token_uri, AAD, ACR's
 * `/oauth2/exchange` and `/oauth2/token`), answered with a JSON object. Failures become
 * `Unavailable` errors that name the endpoint and the server's own error code, never a field
 * we sent (they hold secrets and assertions).
 */
import { Unavailable } from '../domain/errors.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface TokenRequestOptions {
  /** What the endpoint is, for messages: "Google's token endpoint", "ACR /oauth2/exchange". */
  readonly what: string;
  readonly fetch?: FetchLike | undefined;
  /** Default 15 s. */
  readonly timeoutMs?: number | undefined;
}

const MAX_MESSAGE = 300;

export async function postTokenForm(
  url: string,
  fields: Readonly<Record<string, string | readonly string[]>>,
  options: TokenRequestOptions,
): Promise<Record<string, unknown>> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') body.append(key, value);
    else for (const item of value) body.append(key, item);
  }
  const doFetch = options.fetch ?? fetch;
  const where = safeOrigin(url);
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new Unavailable(`cannot reach ${options.what} at ${where}: ${reason(error)}`);
  }
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    throw new Unavailable(
      `${options.what} at ${where} refused the request: HTTP ${response.status}${describeOAuthError(parsed)}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Unavailable(`${options.what} at ${where} did not answer with a JSON object`);
  return parsed as Record<string, unknown>;
}

/** A required string field of a token response. */
export function requireString(body: Record<string, unknown>, field: string, what: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new Unavailable(`${what} answered without "${field}"`);
  return value;
}

/** `expires_in` as OAuth2 sends it (a number, or a numeric string as some servers do). */
export function expiresInSeconds(body: Record<string, unknown>, fallback: number): number {
  const value = body.expires_in;
  const seconds = typeof value === 'string' ? Number(value) : value;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : fallback;
}

function describeOAuthError(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const record = body as Record<string, unknown>;
  const code = typeof record.error === 'string' ? record.error : undefined;
  const description =
    typeof record.error_description === 'string'
      ? record.error_description
      : Array.isArray(record.errors) && typeof record.errors[0]?.message === 'string'
        ? (record.errors[0].message as string)
        : undefined;
  const text = [code, description].filter(Boolean).join(': ');
  return text === '' ? '' : ` (${text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text})`;
}

/** scheme://host[:port] only: a token endpoint URL may carry a query we should not print. */
function safeOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}

function reason(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'timed out';
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(error);
}
