/**
 * The composition root: opens and wires everything a Purser process works with, explicitly and
 * once. The store (SQLite or PostgreSQL), the master key, the model change notifications, the
 * authority (model, policy, credentials, keys), the audit pipeline, the catalog services, the
 * vault and the application services. `purser serve` and the CLI's local mode both start here;
 * the HTTP layer (src/server/app.ts) only receives the result.
 */
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.ts';
import { openAuditPipeline } from '../audit/audit-pipeline.ts';
import type { BufferedAudit } from '../audit/buffered-audit.ts';
import { type CatalogServices, selfTokens } from '../catalog/catalog-services.ts';
import { SearchIndex } from '../catalog/search-index.ts';
import { loadSecretBox } from '../crypto/master-key.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { AccessMode } from '../domain/model.ts';
import { type DatabaseHandle, openDatabase } from '../store/database.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import { ModelVersionChanges } from '../store/model-version-changes.ts';
import { RefreshTokenStore } from '../store/refresh-token-store.ts';
import type { Database } from '../store/schema.ts';
import { Vault } from '../vault/vault.ts';
import { Authority } from './authority.ts';
import { type ApplicationServices, composeServices } from './services.ts';

export interface RuntimeOptions {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  readonly mode: AccessMode;
  /** Token issuer (`iss`); also the audience of tokens for Purser's own API. */
  readonly issuer: string;
  /** Token lifetime, seconds. */
  readonly lifetime: number;
  readonly logger?: Logger;
}

export interface Runtime {
  readonly dataDir: string;
  readonly publicUrl: string;
  readonly issuer: string;
  readonly logger: Logger;
  /** The store; for the composition itself, migrations and tests. Routes use the services. */
  readonly database: DatabaseHandle;
  readonly db: Kysely<Database>;
  readonly box: SecretBox;
  readonly changes: ModelChanges;
  /** The live access model, policy and credentials (decisions are in memory). */
  readonly authority: Authority;
  /** Where audit entries are recorded (queued, written in batches). */
  readonly audit: BufferedAudit;
  /** The stored audit log (queries, exports); the queue's destination. */
  readonly auditLog: AuditLog;
  readonly catalog: CatalogServices;
  readonly refreshTokens: RefreshTokenStore;
  readonly vault: Vault;
  readonly services: ApplicationServices;
  /** Aborted on close: long-running jobs (discovery) stop. */
  readonly shutdown: AbortSignal;
  close(): Promise<void>;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const database = await openDatabase({ dataDir: options.dataDir, url: options.databaseUrl });
  try {
    const { box } = loadSecretBox(options.dataDir);
    const db = database.db;
    const changes = new ModelVersionChanges(db);
    const pipeline = openAuditPipeline({ database, dataDir: options.dataDir, logger });
    // The services are built after the authority they use; its re-hash callback reaches the
    // user service through this binding.
    let services: ApplicationServices | undefined;
    const authority = await Authority.open({
      db,
      box,
      dataDir: options.dataDir,
      mode: options.mode,
      issuer: options.issuer,
      lifetime: options.lifetime,
      changes,
      onRehash: (name, password) => services?.users.upgradePasswordHash(name, password),
    });
    const vault = new Vault(db, box, pipeline.sink);
    const catalog: CatalogServices = {
      auditLog: pipeline.log,
      searchIndex: new SearchIndex(db),
      model: () => authority.model,
      tokens: (service) => selfTokens(authority.issuer, service),
    };
    const controller = new AbortController();
    const refreshTokens = new RefreshTokenStore(db);
    services = composeServices({
      db,
      authority,
      changes,
      audit: pipeline.sink,
      auditLog: pipeline.log,
      catalog,
      shutdown: controller.signal,
      issuer: options.issuer,
      publicUrl: options.publicUrl,
      vault,
      refreshTokens,
    });
    return {
      dataDir: options.dataDir,
      publicUrl: options.publicUrl,
      issuer: options.issuer,
      logger,
      database,
      db,
      box,
      changes,
      authority,
      audit: pipeline.sink,
      auditLog: pipeline.log,
      catalog,
      refreshTokens,
      vault,
      services,
      shutdown: controller.signal,
      async close() {
        controller.abort();
        await vault.close();
        await pipeline.sink.flush();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
