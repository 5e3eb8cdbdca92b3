/**
 * A management API on a temporary data directory (SQLite, or PostgreSQL with `databaseUrl`),
 * driven with app.inject. Seeds an administrator `root` and helpers to call as anyone.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { openRuntime, type Runtime } from '../../src/app/compose.ts';
import type { AccessMode } from '../../src/domain/model.ts';
import type { LoginThrottleSettings } from '../../src/identity/login-throttle.ts';
import { hashPassword } from '../../src/identity/password.ts';
import type { SourceConfig } from '../../src/identity/sources/source-config.ts';
import { buildApp } from '../../src/server/app.ts';
import { type ModelWriters, modelWriters } from '../../src/store/writers/model-writers.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

export const ROOT = { name: 'root', password: 'root-password' } as const;

export interface ApiFixture {
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  readonly dataDir: string;
  /** The store's per-aggregate writers (seeding without going through the API). */
  readonly writers: ModelWriters;
  /** Calls the API; `as` = [user, password] for Basic auth, undefined = anonymous. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options?: { as?: readonly [string, string] | undefined; body?: unknown },
  ): Promise<LightMyRequestResponse>;
  /** Same as call, as the administrator `root`. */
  admin(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  readonly mode?: AccessMode;
  readonly databaseUrl?: string;
  readonly publicUrl?: string;
  readonly loginThrottle?: LoginThrottleSettings;
  /** The server's logger (default: none). */
  readonly logger?: Logger;
  /** `identity.sources`, as config/load.ts gives them. */
  readonly identitySources?: readonly SourceConfig[];
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function openApiFixture(options: FixtureOptions = {}): Promise<ApiFixture> {
  const dataDir = tempDir('purser-api-');
  const runtime = await openRuntime({
    dataDir,
    databaseUrl: options.databaseUrl,
    publicUrl: options.publicUrl ?? 'http://127.0.0.1:5001',
    mode: options.mode ?? 'private',
    issuer: 'purser',
    lifetime: 300,
    ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
    ...(options.identitySources ? { identitySources: options.identitySources } : {}),
  });
  const writers = modelWriters(runtime.db);
  await writers.users.upsert({
    name: ROOT.name,
    passwordHash: await hashPassword(ROOT.password),
    admin: true,
    groups: ['admins'],
    privileges: [],
  });
  await runtime.authority.refresh();
  const app = await buildApp({ runtime, logger: options.logger ?? false });
  const call: ApiFixture['call'] = (method, url, opts = {}) =>
    app.inject({
      method,
      url,
      headers: opts.as ? { authorization: basic(opts.as[0], opts.as[1]) } : {},
      ...(opts.body === undefined ? {} : { payload: opts.body as object }),
    });
  return {
    app,
    runtime,
    dataDir,
    writers,
    call,
    admin: (method, url, body) => call(method, url, { as: [ROOT.name, ROOT.password], body }),
    async close() {
      await app.close();
      await runtime.close();
      removeTempDir(dataDir);
    },
  };
}

/** The first error message of an API error reply. */
export function errorOf(response: LightMyRequestResponse): { code: string; message: string } {
  const body = response.json() as { errors?: { code: string; message: string }[] };
  if (!body.errors?.[0])
    throw new Error(`expected an error reply, got ${response.statusCode} ${response.body}`);
  return body.errors[0];
}
