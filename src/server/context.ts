/**
 * What every route plugin receives. Built once by `purser serve` (src/server/app.ts).
 * Route plugins are `async function xRoutes(app: FastifyInstance, ctx: AppContext)`;
 * authenticated routes read `request.principal` (set by the auth plugin; anonymous when no
 * credentials were sent) and call `ctx.requireAdmin(request)` etc.
 */
import type {} from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { AuditSink } from '../audit/audit-entry.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { Principal } from '../domain/model.ts';
import type { DatabaseHandle } from '../store/database.ts';
import type { Database } from '../store/schema.ts';
import type { TokenMinter } from '../token/token-minter.ts';
import type { Authority } from './authority.ts';

export interface AppContext {
  readonly dataDir: string;
  readonly publicUrl: string;
  /** Token issuer (`iss`); also the audience of tokens for Purser's own API. */
  readonly issuer: string;
  readonly database: DatabaseHandle;
  readonly db: Kysely<Database>;
  readonly box: SecretBox;
  readonly audit: AuditSink;
  readonly logger: Logger;
  readonly minter: TokenMinter;
  /** The live access model, policy and credentials (decisions are in memory). */
  readonly authority: Authority;
  /** Signals long-running jobs (discovery) to stop on shutdown. */
  readonly shutdown: AbortSignal;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller (anonymous when no credentials). */
    principal: Principal;
  }
}
