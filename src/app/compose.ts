/**
 * The composition root: opens and wires everything a Purser process works with, explicitly and
 * once. The store (SQLite or PostgreSQL), the master key, the model change notifications, the
 * authority (model, policy, credentials, keys), the audit pipeline, the catalog services, the
 * vault and the application services. `purser serve` and the CLI's local mode both start here;
 * the HTTP layer (src/server/app.ts) only receives the result.
 */
import type { Kysely } from 'kysely';
import pino, { type Logger } from 'pino';
import type { AuditJournalOptions } from '../audit/audit-journal.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { openAuditPipeline } from '../audit/audit-pipeline.ts';
import type { JournaledAudit } from '../audit/journaled-audit.ts';
import { type CatalogServices, selfTokens } from '../catalog/catalog-services.ts';
import { SearchIndex } from '../catalog/search-index.ts';
import { loadSecretBox } from '../crypto/master-key.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { ConfigInvalid } from '../domain/errors.ts';
import type { AccessMode } from '../domain/model.ts';
import type { LoginThrottleSettings } from '../identity/login-throttle.ts';
import { SourceChain } from '../identity/source-chain.ts';
import { createSources } from '../identity/sources/create-source.ts';
import type { SourceConfig } from '../identity/sources/source-config.ts';
import { PurserMetrics } from '../metrics/purser-metrics.ts';
import { announceChange } from '../store/change-feed.ts';
import { type DatabaseHandle, openDatabase } from '../store/database.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import { ModelVersionChanges } from '../store/model-version-changes.ts';
import { RefreshTokenStore } from '../store/refresh-token-store.ts';
import type { Database } from '../store/schema.ts';
import { Vault } from '../vault/vault.ts';
import { Authority } from './authority.ts';
import { checkSqliteDatabase, missingDatabase, usedDataDirMarks } from './missing-database.ts';
import { type ApplicationServices, composeServices } from './services.ts';
import { StoredCliSecrets } from './stored-cli-secrets.ts';

export interface RuntimeOptions {
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  readonly mode: AccessMode;
  /** Token issuer (`iss`); also the audience of tokens for Purser's own API. */
  readonly issuer: string;
  /** Token lifetime, seconds. */
  readonly lifetime: number;
  /** `login_throttle:` (config/load.ts); its defaults when absent. */
  readonly loginThrottle?: LoginThrottleSettings;
  /** Reuse a recently signed identical token (`token.reuse`); off unless told. */
  readonly reuseTokens?: boolean;
  /** Seconds without a request after which a console session ends (default 1800). */
  readonly consoleIdleTimeout?: number;
  readonly logger?: Logger;
  /** `identity.sources` of the configuration file, in the order they are tried. */
  readonly identitySources?: readonly SourceConfig[];
  /**
   * Keep a source whose secret file cannot be read, as one that states the problem when used
   * (the CLI's local mode: `purser user list` need not read the LDAP bind password). Otherwise
   * such a source refuses the whole start.
   */
  readonly keepUnusableSources?: boolean;
  /** Where the events of this process are counted (a new registry when absent; the server passes its build). */
  readonly metrics?: PurserMetrics;
  /**
   * Create a new database even though the data directory has been used (`purser serve --init`);
   * otherwise a used data directory without its database is refused (missing-database.ts).
   */
  readonly initialise?: boolean;
  /** The audit journal's durability settings and fault-injection seam (tests). */
  readonly auditJournal?: AuditJournalOptions;
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
  /** Where audit entries are recorded (journaled, queued, written in batches). */
  readonly audit: JournaledAudit;
  /** The stored audit log (queries, exports); the queue's destination. */
  readonly auditLog: AuditLog;
  readonly catalog: CatalogServices;
  readonly refreshTokens: RefreshTokenStore;
  readonly vault: Vault;
  readonly services: ApplicationServices;
  /** This process's Prometheus metrics (served on /metrics by `purser serve`). */
  readonly metrics: PurserMetrics;
  /** Aborted on close: long-running jobs (discovery) stop. */
  readonly shutdown: AbortSignal;
  /**
   * Builds and checks the identity sources of a reloaded configuration (secret files readable,
   * mapped Purser groups existing or among `declaredGroups`); ConfigInvalid with every
   * `path: message` otherwise. Nothing changes until `apply()`.
   */
  prepareIdentitySources(
    configs: readonly SourceConfig[],
    declaredGroups: readonly string[],
  ): PreparedSources;
  close(): Promise<void>;
}

export interface PreparedSources {
  /** Replaces the running sources (the old ones are closed once their calls are over). */
  apply(): void;
  /** Drops them unused (the rest of the reload failed). */
  discard(): Promise<void>;
}

export async function openRuntime(options: RuntimeOptions): Promise<Runtime> {
  const logger = options.logger ?? pino({ level: 'silent' });
  // The CLI's local mode never serves them: its build labels do not matter.
  const metrics = options.metrics ?? new PurserMetrics({ build: { version: 'unknown', commit: undefined } });
  const init = options.initialise ?? false;
  if (!options.databaseUrl) checkSqliteDatabase(options.dataDir, init);
  const marks = options.databaseUrl && !init ? usedDataDirMarks(options.dataDir) : [];
  const database = await openDatabase({
    dataDir: options.dataDir,
    url: options.databaseUrl,
    logger,
    refuseEmpty: marks.length > 0 ? () => missingDatabase(options.dataDir, 'PostgreSQL', marks) : undefined,
  });
  try {
    const { box } = loadSecretBox(options.dataDir);
    const db = database.db;
    const changes = new ModelVersionChanges(db, {
      announce: () => announceChange(db, database.adapter.dialect),
    });
    const pipeline = await openAuditPipeline({
      database,
      dataDir: options.dataDir,
      logger,
      onWriteFailure: (count) => metrics.auditWriteFailures(count),
      ...(options.auditJournal ? { journal: options.auditJournal } : {}),
    });
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
      reuseTokens: options.reuseTokens ?? false,
      changes,
      ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
      onRehash: (name, password) => services?.users.upgradePasswordHash(name, password),
    });
    const vault = new Vault(db, box, pipeline.sink, {
      onSecretRead: (channel) => metrics.vaultRead(channel),
      cloud: {
        onEvent: (event) => {
          if (event.type === 'minted') metrics.cloudTokenMint(event.kind, 'minted');
          else if (event.type === 'mint-failed') metrics.cloudTokenMint(event.kind, 'failed');
        },
      },
    });
    const catalog: CatalogServices = {
      auditLog: pipeline.log,
      searchIndex: new SearchIndex(db),
      model: () => authority.model,
      tokens: (service) => selfTokens(authority.issuer, service),
    };
    const controller = new AbortController();
    const refreshTokens = new RefreshTokenStore(db);
    const identitySources = openSourceChain(options, authority, db, box, logger, metrics);
    // A delete, disable or new password revokes refresh tokens in the store: no cached lookup
    // may outlive it.
    changes.onChange(() => refreshTokens.forgetAll());
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
      box,
      refreshTokens,
      identitySources: identitySources.chain,
      identityLocations: identitySources.locations,
      metrics,
      consoleIdleTimeout: (options.consoleIdleTimeout ?? 1800) * 1000,
    });
    // Every source goes through the one authenticator entry point (throttle, cache, standing).
    if (identitySources.chain.sources.length > 0) authority.authenticator.useSources(services.identity);
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
      metrics,
      shutdown: controller.signal,
      prepareIdentitySources(configs, declaredGroups) {
        const entries = createSources(configs, { cliSecrets: new StoredCliSecrets(db, box) });
        const locations = new Map(configs.map((c) => [c.name, c.at]));
        const identity = services!.identity;
        const problems = identity.mappedGroupProblems(entries, locations, declaredGroups);
        if (problems.length > 0) throw new ConfigInvalid(problems);
        return {
          apply: () => identity.replaceSources(entries, locations),
          discard: async () => {
            await Promise.allSettled(entries.map((e) => e.source.close()));
          },
        };
      },
      async close() {
        controller.abort();
        await identitySources.chain.close();
        await vault.close();
        await pipeline.sink.close();
        await database.close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * The identity sources of the file, behind Purser's own accounts: a name with a local record
 * (a local user, a service, a robot) is never given to a source.
 */
function openSourceChain(
  options: RuntimeOptions,
  authority: Authority,
  db: Kysely<Database>,
  box: SecretBox,
  logger: Logger,
  metrics: PurserMetrics,
): { chain: SourceChain; locations: Map<string, string> } {
  const configs = options.identitySources ?? [];
  const entries = createSources(configs, {
    cliSecrets: new StoredCliSecrets(db, box),
    keepUnusable: options.keepUnusableSources ?? false,
  });
  const chain = new SourceChain(entries, {
    isLocalName: (name) => {
      const record = authority.credential(name);
      return record !== undefined && record.source === null;
    },
    logger,
    onHealth: (source, up) => metrics.identitySourceHealth(source, up),
  });
  return { chain, locations: new Map(configs.map((c) => [c.name, c.at])) };
}
