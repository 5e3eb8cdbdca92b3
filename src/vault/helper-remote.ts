/**
 * The credential helper against a running Purser (PURSER_URL) with a service or robot
 * credential (PURSER_USERNAME / PURSER_PASSWORD): the server applies grants, deactivation and
 * the allowlist, and audits the read.
 */
import { Denied, NotFound, Unavailable } from '../domain/errors.ts';
import type { HelperCredential } from './helper-local.cts';

export class RemoteHelperStore {
  readonly #base: string;
  readonly #authorization: string | undefined;

  constructor(url: string, username: string | undefined, password: string | undefined) {
    this.#base = url.replace(/\/+$/, '');
    this.#authorization = username
      ? `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`
      : undefined;
  }

  async #call(method: string, route: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'docker-credential-purser',
    };
    if (this.#authorization) headers.authorization = this.#authorization;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${this.#base}${route}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new Unavailable(`cannot reach Purser at ${this.#base}: ${(error as Error).message}`);
    }
  }

  async #fail(res: Response): Promise<never> {
    let message = `Purser answered HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { message?: string; errors?: { message?: string }[] };
      message = body.message ?? body.errors?.[0]?.message ?? message;
    } catch {
      // keep the status line
    }
    if (res.status === 404) throw new NotFound(message);
    if (res.status === 401 || res.status === 403) throw new Denied(message);
    throw new Unavailable(message);
  }

  async get(environment: string, server: string): Promise<HelperCredential | undefined> {
    const res = await this.#call(
      'GET',
      `/api/v1/environments/${encodeURIComponent(environment)}/credential-lookup?server=${encodeURIComponent(server)}`,
    );
    if (res.status === 404) return undefined;
    if (!res.ok) return this.#fail(res);
    const body = (await res.json()) as {
      address: string;
      username: string;
      secret: string;
      expiresAt?: unknown;
      refreshAt?: unknown;
    };
    return {
      address: body.address,
      username: body.username,
      secret: body.secret,
      ...(typeof body.expiresAt === 'number' ? { expiresAt: body.expiresAt } : {}),
      ...(typeof body.refreshAt === 'number' ? { refreshAt: body.refreshAt } : {}),
    };
  }

  async list(environment: string): Promise<Map<string, string>> {
    const res = await this.#call(
      'GET',
      `/api/v1/environments/${encodeURIComponent(environment)}/credentials`,
    );
    if (!res.ok) return this.#fail(res);
    const body = (await res.json()) as {
      credentials: { address: string; username: string; state: string; allowed?: boolean }[];
    };
    const out = new Map<string, string>();
    for (const c of body.credentials)
      if (c.state === 'active' && c.allowed !== false) out.set(c.address, c.username);
    return out;
  }

  async store(
    environment: string,
    address: string,
    username: string,
    secret: string,
    kind: string,
  ): Promise<void> {
    const res = await this.#call(
      'POST',
      `/api/v1/environments/${encodeURIComponent(environment)}/credentials`,
      { address, username, secret, kind },
    );
    if (!res.ok) return this.#fail(res);
  }

  async erase(environment: string, address: string): Promise<boolean> {
    const res = await this.#call(
      'DELETE',
      `/api/v1/environments/${encodeURIComponent(environment)}/credentials/${encodeURIComponent(address)}`,
    );
    if (res.status === 404) return false;
    if (!res.ok) return this.#fail(res);
    return true;
  }
}
